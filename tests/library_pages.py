"""Web pages for the library tests: a news page with the usual furniture around the story."""

from __future__ import annotations

NEWS_PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Ferry service returns to Port Alder | The Coast Courier</title>
<meta property="og:title" content="Ferry service returns to Port Alder">
<meta property="og:site_name" content="The Coast Courier">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
<link rel="canonical" href="https://courier.example/news/ferry-returns">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Ferry service returns to Port Alder</h1>
<p>By Maria Lund</p>
<p>The ferry between Port Alder and Gull Island will run again from Monday, the harbour authority
announced on Thursday, ending a six-month break caused by storm damage to the landing stage.</p>
<p>“The new landing stage is stronger than the old one and ready for winter,” said harbour master
Olav Brekke, who oversaw the repairs.</p>
<p>Islanders have relied on a small water taxi since November. Shop owner Ingrid Sato said deliveries
had become expensive and slow, and that many older residents had stopped travelling to the mainland.</p>
<p>The repairs cost 4.2 million crowns, paid by the county and the national coastal fund. The first
crossing leaves Port Alder at 7:15 on Monday morning.</p>
<p>Sign up for our newsletter to get the day's top stories delivered to your inbox.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Storm closes schools</a></li>
<li><a href="/b">Council budget vote delayed</a></li></ul></aside>
<footer>Copyright 2024 The Coast Courier</footer>
</body></html>
"""
