"""Fetching links safely, against a real local HTTP server (pytest-httpserver), and reading sources."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest
from werkzeug import Response

from retrieval.errors import ArticleError
from retrieval.library.fetch import FetchError, fetch, is_public
from retrieval.library.sources import read_bytes, read_source
from tests.library_pages import NEWS_PAGE

EXTRACTION_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "article-extraction-dev"


@pytest.fixture
def page_url(httpserver) -> str:
    httpserver.expect_request("/news/ferry").respond_with_data(
        NEWS_PAGE, content_type="text/html; charset=utf-8"
    )
    return httpserver.url_for("/news/ferry")


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("224.0.0.1", False),
    ],
)
def test_only_public_addresses_count_as_public(address, public):
    assert is_public(address) is public


def test_a_page_on_loopback_is_refused_unless_private_urls_are_allowed(page_url):
    with pytest.raises(
        FetchError, match=r"private or local address .*127\.0\.0\.1.*NEWSDESK_ALLOW_PRIVATE_URLS"
    ):
        fetch(page_url)
    page = fetch(page_url, allow_private=True)
    assert page.content_type == "text/html" and page.charset == "utf-8"
    assert b"Gull Island" in page.body


def test_a_page_becomes_an_article_with_its_metadata_and_without_furniture(page_url):
    article = read_source(page_url, allow_private=True)
    assert article.title == "Ferry service returns to Port Alder"
    assert article.published is not None and article.published.isoformat() == "2024-05-02"
    assert article.source == "The Coast Courier"
    assert article.url == "https://courier.example/news/ferry-returns"
    paragraphs = article.text.split("\n")
    assert paragraphs[0].startswith("The ferry between Port Alder")
    assert any(p.startswith("“The new landing stage") for p in paragraphs)
    for furniture in ("newsletter", "By Maria Lund", "Most read", "Copyright", "Council budget"):
        assert furniture not in article.text


def test_redirects_are_followed_up_to_the_cap(httpserver):
    httpserver.expect_request("/page").respond_with_data(NEWS_PAGE, content_type="text/html")
    for hop in range(7):
        target = "/page" if hop == 0 else f"/r{hop - 1}"
        httpserver.expect_request(f"/r{hop}").respond_with_response(
            Response(status=302, headers={"Location": target})
        )
    assert b"Gull Island" in fetch(httpserver.url_for("/r4"), allow_private=True).body  # 5 redirects
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(httpserver.url_for("/r5"), allow_private=True)


def test_a_redirect_to_a_private_address_is_checked_again(httpserver):
    # The first hop is allowed (private URLs on), but the check runs on the redirect's target too:
    # here the target's scheme is refused at the hop, the same code path as its address.
    httpserver.expect_request("/away").respond_with_response(
        Response(status=301, headers={"Location": "file:///etc/passwd"})
    )
    with pytest.raises(FetchError, match="only http and https"):
        fetch(httpserver.url_for("/away"), allow_private=True)


def test_a_body_over_the_size_cap_is_refused(httpserver):
    big = b"<html><body>" + b"<p>word </p>" * 900_000 + b"</body></html>"
    httpserver.expect_request("/big").respond_with_data(big, content_type="text/html")
    with pytest.raises(FetchError, match="larger than 10 MB"):
        fetch(httpserver.url_for("/big"), allow_private=True)
    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetch(httpserver.url_for("/big"), allow_private=True, max_bytes=1_000_000)


def test_a_streamed_body_without_length_is_cut_at_the_cap(httpserver):
    def stream():
        for _ in range(40):
            yield b"x" * 64 * 1024

    httpserver.expect_request("/stream").respond_with_response(
        Response(stream(), content_type="text/plain", direct_passthrough=True)
    )
    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetch(httpserver.url_for("/stream"), allow_private=True, max_bytes=1_000_000)


def test_other_content_types_and_errors_are_one_line(httpserver):
    httpserver.expect_request("/img").respond_with_data(b"\x89PNG", content_type="image/png")
    httpserver.expect_request("/gone").respond_with_data("nope", status=404, content_type="text/html")
    with pytest.raises(FetchError, match=r"not a web page or text \(Content-Type image/png\)"):
        fetch(httpserver.url_for("/img"), allow_private=True)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(httpserver.url_for("/gone"), allow_private=True)


def test_a_slow_server_times_out(httpserver):
    def slow(_request):
        time.sleep(2)
        return Response(NEWS_PAGE, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        fetch(httpserver.url_for("/slow"), allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/a.html", "only http and https"),
        ("https://user:secret@example.com/", "user name or password"),
        ("http:///nohost", "no host"),
        ("https://no-such-host.invalid/story", "no such host"),
    ],
)
def test_bad_links_are_refused_before_any_request(url, message):
    with pytest.raises(ArticleError, match=message):
        read_source(url)


def test_files_are_read_by_suffix(tmp_path):
    html = tmp_path / "ferry.html"
    html.write_text(NEWS_PAGE, encoding="utf-8")
    assert read_source(str(html)).title == "Ferry service returns to Port Alder"
    with pytest.raises(ArticleError, match=r"not a \.txt or \.html file"):
        read_bytes(b"%PDF-1.4", "story.pdf")
    with pytest.raises(ArticleError, match="no such file"):
        read_source(str(tmp_path / "missing.txt"))
    with pytest.raises(ArticleError, match="too little text"):
        read_bytes(b"<html><body><p>Just a stub.</p></body></html>", "stub.html")


def test_an_upload_whose_text_is_over_the_article_limit_is_refused(monkeypatch):
    import retrieval.library.sources as sources

    monkeypatch.setattr(sources, "ARTICLE_MAX_BYTES", 2_000)
    sentence = "The council met on Tuesday and agreed to repair the pier before the summer season. "
    big = "".join(
        f"<p>Meeting {i}: councillor {i} spoke for {i + 2} minutes. {sentence}</p>" for i in range(40)
    )
    page = f"<html><head><title>Pier</title></head><body><article>{big}</article></body></html>"
    with pytest.raises(ArticleError, match=r"pier\.html: the article's text is .* over the .* limit"):
        read_bytes(page.encode(), "pier.html")
    with pytest.raises(ArticleError, match=r"pier\.txt: the article's text is"):
        read_bytes(("Pier\n\n" + sentence * 40).encode(), "pier.txt")


@pytest.mark.skipif(not EXTRACTION_DEV.is_dir(), reason="../shared/data/article-extraction-dev is absent")
def test_real_pages_served_over_http_become_articles(httpserver):
    truth = json.loads((EXTRACTION_DEV / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth)[:5]:
        html = gzip.decompress((EXTRACTION_DEV / "html" / f"{key}.html.gz").read_bytes())
        httpserver.expect_request(f"/{key}").respond_with_data(html, content_type="text/html")
        article = read_source(httpserver.url_for(f"/{key}"), allow_private=True)
        gold = truth[key]["articleBody"]
        # The opening words of the true body are in the extracted text.
        opening = " ".join(gold.split()[:8])
        assert opening in " ".join(article.text.split()), key


def test_adding_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)
    with pytest.raises(ArticleError, match="not a regular file"):
        read_source(str(fifo))
