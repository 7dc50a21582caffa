"""Embeds for the bot's answers, kept inside Discord's limits. Pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import discord

from retrieval.community.answers import Relevance, relevance, shown_hits
from retrieval.community.feedback import ArticleStats, Stats
from retrieval.community.help import HelpExamples
from retrieval.community.settings import GuildSettings
from retrieval.models import (
    Answer,
    AnswerSpan,
    Article,
    ArticleInfo,
    Hit,
    Quote,
    Speaker,
    Timeline,
    TimelineEvent,
)

# Discord's embed limits (discord/embeds.py and the API docs).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
# A message's content, for the plain-text replies.
CONTENT_MAX = 2000

# How many items one page of a paged result shows; well under FIELDS_MAX so pages stay readable.
QUOTES_PER_PAGE = 5
EVENTS_PER_PAGE = 8
SPEAKERS_PER_PAGE = 15
# Autocomplete offers at most this many choices (Discord's limit), each name at most 100 characters.
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100

ELLIPSIS = "…"
COLOUR = discord.Colour.blurple()
# "The article doesn't say" must not look like an answer: its own colour and a bold first line.
ABSTAIN_COLOUR = discord.Colour.orange()
NOT_ANSWERABLE = "**The article doesn't say.** The closest passage is below, in case it helps."
NO_HITS = "**The article doesn't say**, and no passage comes close."
ANSWER_FOOTER = "In bold: the sentence that answers. Strong: matches the question closely; partial: related."
FEEDBACK_FOOTER = " 👍/👎: did this help?"
ABSTAIN_FOOTER = "Try rephrasing, or ask about something the article covers."
RELEVANCE_LABEL: dict[Relevance, str] = {
    "strong": "strong match",
    "partial": "partial match",
    "closest": "closest passage",
}
SOURCES_SHOWN = 5

_ZWSP = "\u200b"
_EVERYONE_HERE = re.compile(r"@(everyone|here)", re.IGNORECASE)
_USER_ROLE_MENTION = re.compile(r"<@([!&]?\d+)>")


def neutralise_mentions(text: str) -> str:
    """Break ``@everyone``, ``@here``, ``<@id>``, ``<@!id>`` and ``<@&id>`` with a zero-width space.

    AllowedMentions.none() already stops pings; this also stops the text rendering as a mention.
    """
    text = _EVERYONE_HERE.sub(lambda m: "@" + _ZWSP + m.group(1), text)
    return _USER_ROLE_MENTION.sub(lambda m: "<@" + _ZWSP + m.group(1) + ">", text)


def clean(text: str) -> str:
    """Make untrusted text (article text, questions) safe to show: no mentions, no markdown."""
    return discord.utils.escape_markdown(neutralise_mentions(text))


def truncate(text: str, limit: int, placeholder: str = ELLIPSIS) -> str:
    """Cut ``text`` to at most ``limit`` characters, preferring a word boundary, never mid-escape."""
    if len(text) <= limit:
        return text
    if limit <= len(placeholder):
        return placeholder[:limit]
    cut = text[: limit - len(placeholder)]
    space = cut.rfind(" ")
    if space >= len(cut) * 3 // 4:  # a word boundary near the end: don't cut a word in half
        cut = cut[:space]
    cut = cut.rstrip()
    # An odd run of trailing backslashes would escape the placeholder; drop the dangling one.
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + placeholder


class EmbedBuilder:
    """Adds to an embed only what still fits in Discord's limits, cutting text cleanly."""

    def __init__(
        self,
        title: str,
        description: str | None = None,
        *,
        url: str | None = None,
        colour: discord.Colour = COLOUR,
    ) -> None:
        self.embed = discord.Embed(
            title=truncate(title, TITLE_MAX),
            description=truncate(description, DESCRIPTION_MAX) if description else None,
            colour=colour,
            url=url,
        )
        self.dropped = 0  # fields that did not fit

    def room(self) -> int:
        """Characters still allowed by the 6000 total."""
        return EMBED_TOTAL_MAX - len(self.embed)

    def add_field(self, name: str, value: str, *, inline: bool = False, reserve: int = 0) -> bool:
        """Add a field, shortened to fit; returns False (and counts it) when there is no room at all."""
        name = truncate(name or _ZWSP, FIELD_NAME_MAX)
        value = value or _ZWSP
        room = self.room() - reserve - len(name)
        if len(self.embed.fields) >= FIELDS_MAX or room < min(len(value), 40):
            self.dropped += 1
            return False
        self.embed.add_field(name=name, value=truncate(value, min(FIELD_VALUE_MAX, room)), inline=inline)
        return True

    def footer(self, text: str) -> discord.Embed:
        """Set the footer, shortened to what is left, and return the embed."""
        room = min(FOOTER_MAX, self.room())
        if room > 0:
            self.embed.set_footer(text=truncate(text, room))
        return self.embed


def _paragraph_label(article: str, paragraph: int, show_article: bool) -> str:
    # An article id is a file name: it may hold markdown or a mention, like any untrusted text.
    return f"{clean(article)} · paragraph {paragraph}" if show_article else f"Paragraph {paragraph}"


def link(url: str | None) -> str | None:
    """The URL if Discord accepts it for an embed (http or https with a host), else None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in {"http", "https"} and parts.netloc else None


def _hit_field(hit: Hit, word: Relevance, show_article: bool) -> tuple[str, str]:
    passage = hit.passage
    name = f"{_paragraph_label(passage.article, passage.paragraph, show_article)} · {RELEVANCE_LABEL[word]}"
    speakers = f"**Speakers:** {clean(', '.join(hit.speakers))}\n" if hit.speakers else ""
    return name, speakers + highlighted(passage.text, hit.answer, FIELD_VALUE_MAX - len(speakers))


def highlighted(text: str, answer: AnswerSpan | None, limit: int = FIELD_VALUE_MAX) -> str:
    """The passage made safe, its answer sentence in bold, cut around the answer to fit ``limit``."""
    if answer is None or not answer.text.strip():
        return truncate(clean(text), limit)
    core = f"**{truncate(clean(text[answer.start : answer.end]).strip(), limit - 4)}**"
    before, after = clean(text[: answer.start]), clean(text[answer.end :])
    room = limit - len(core)
    if len(before) + len(after) > room:
        # Context after the answer reads better than context before it; keep at least half the room for it.
        keep_after = min(len(after), max(room // 2, room - len(before)))
        after = truncate(after, keep_after) if keep_after > len(ELLIPSIS) else ""
        keep_before = room - len(after)
        if len(before) > keep_before:
            # Cut at a space, so no markdown escape is split, and show that text was left out.
            tail = before[len(before) - keep_before + len(ELLIPSIS) :] if keep_before > len(ELLIPSIS) else ""
            space = tail.find(" ")
            before = ELLIPSIS + tail[space:] if space >= 0 else ""
    return before + core + after


def answer_embed(
    answer: Answer,
    *,
    show_article: bool = False,
    articles: Mapping[str, Article] | None = None,
    feedback: bool = False,
) -> discord.Embed:
    """The /ask reply: the top passages, or a clear "the article doesn't say" plus the closest one.

    With ``articles``, the card names the best passage's article and links to it when it has a URL
    (and lists the other articles it quotes). An abstention has its own colour and wording.
    """
    hits = shown_hits(answer)
    words = relevance(answer)
    description = None if answer.answerable else NOT_ANSWERABLE if hits else NO_HITS
    colour = COLOUR if answer.answerable else ABSTAIN_COLOUR
    builder = EmbedBuilder(clean(answer.question), description, colour=colour)
    sources = _sources(hits, articles or {})
    if sources:
        title, url = sources[0]
        builder.embed.set_author(name=truncate(title, TITLE_MAX), url=url)
    footer = (ANSWER_FOOTER if answer.answerable else ABSTAIN_FOOTER) + (FEEDBACK_FOOTER if feedback else "")
    reserve = len(footer) + 40
    links = [f"[{_link_text(t)}]({u})" for t, u in sources if u]
    if len(sources) > 1 and links:
        reserve += sum(len(line) + 1 for line in links[:SOURCES_SHOWN]) + len("Sources")
    for hit, word in zip(hits, words, strict=True):
        name, value = _hit_field(hit, word, show_article)
        builder.add_field(name, value, reserve=reserve)
    if len(sources) > 1 and links:
        builder.add_field("Sources", "\n".join(links[:SOURCES_SHOWN]))
    if builder.dropped:
        footer = f"{builder.dropped} more passage(s) did not fit. " + footer
    return builder.footer(footer)


def _sources(hits: Sequence[Hit], articles: Mapping[str, Article]) -> list[tuple[str, str | None]]:
    """(title, link) of each article the hits come from, best first, each once."""
    seen: dict[str, tuple[str, str | None]] = {}
    for hit in hits:
        article = articles.get(hit.passage.article)
        if article is not None and article.id not in seen:
            seen[article.id] = (neutralise_mentions(article.title or article.id), link(article.url))
    return list(seen.values())


def _link_text(title: str) -> str:
    """A title that is safe inside ``[...]`` of a markdown link."""
    return truncate(clean(title).replace("[", "(").replace("]", ")"), 100)


def _pages(items: Sequence[object], per_page: int) -> list[Sequence[object]]:
    return [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]


def _footer(page: int, pages: int, total: int, noun: str) -> str:
    return f"Page {page}/{pages} · {total} {noun}"


def quote_pages(
    quotes: Sequence[Quote], *, speaker: str | None = None, show_article: bool = False
) -> list[discord.Embed]:
    """Pages of quotes, QUOTES_PER_PAGE each; one page saying so when there are none."""
    title = f"Quotes by {clean(speaker)}" if speaker else "Quotes"
    if not quotes:
        return [EmbedBuilder(title, "No quotes found.").embed]
    chunks = _pages(quotes, QUOTES_PER_PAGE)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        builder = EmbedBuilder(title)
        footer = _footer(number, len(chunks), len(quotes), "quotes")
        for quote in chunk:
            assert isinstance(quote, Quote)
            where = _paragraph_label(quote.article, quote.paragraph, show_article)
            kind = "" if quote.kind == "direct" else f" · {quote.kind}"
            name = f"{clean(quote.speaker)} · {where}{kind}"
            text = f"“{clean(quote.text)}”" if quote.kind != "indirect" else clean(quote.text)
            builder.add_field(name, text, reserve=len(footer) + 40)
        pages.append(builder.footer(footer))
    return pages


def discord_date(iso: str | None) -> str | None:
    """``<t:…:D>`` for a YYYY-MM-DD day, which each reader's Discord shows in their own locale; else None.

    The instant is noon UTC, so the day shown is the same from UTC-11 to UTC+11.
    """
    if iso is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return None
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return None
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return f"<t:{int(noon.timestamp())}:D>"


def _event_line(event: TimelineEvent, show_article: bool) -> tuple[str, str]:
    when = discord_date(event.date) or event.date or "date unknown"
    if event.modifier:
        when = f"{event.modifier} {when}"
    name = _paragraph_label(event.article, event.paragraph, show_article)
    value = f"{when} · **{clean(event.expression)}**: {clean(event.text)}"
    if event.speaker:
        value += f" ({clean(event.speaker)})"
    return name, value


def timeline_pages(timeline: Timeline, *, show_article: bool = False) -> list[discord.Embed]:
    """Pages of dated events in the order the timeline gives them (chronological)."""
    published = [
        f"{clean(d.title or d.article)}: published {d.published}" for d in timeline.articles if d.published
    ]
    intro = "\n".join(published) if published else None
    events = timeline.events
    if not events:
        return [EmbedBuilder("Timeline", (intro + "\n\n" if intro else "") + "No dated events found.").embed]
    chunks = _pages(events, EVENTS_PER_PAGE)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        builder = EmbedBuilder("Timeline", intro if number == 1 else None)
        footer = _footer(number, len(chunks), len(events), "events")
        for event in chunk:
            assert isinstance(event, TimelineEvent)
            builder.add_field(*_event_line(event, show_article), reserve=len(footer) + 40)
        pages.append(builder.footer(footer))
    return pages


def _speaker_line(speaker: Speaker, show_article: bool) -> str:
    role = f", {clean(speaker.role)}" if speaker.role else ""
    count = f"{speaker.quotes} quote" + ("" if speaker.quotes == 1 else "s")
    where = f" ({clean(speaker.article)})" if show_article else ""
    return f"**{clean(speaker.name)}**{role}: {count}{where}"


def speaker_pages(speakers: Sequence[Speaker], *, show_article: bool = False) -> list[discord.Embed]:
    """Pages listing who is quoted, their role and how many quotes."""
    if not speakers:
        return [EmbedBuilder("Speakers", "Nobody is quoted.").embed]
    chunks = _pages(speakers, SPEAKERS_PER_PAGE)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        lines = [_speaker_line(s, show_article) for s in chunk if isinstance(s, Speaker)]
        builder = EmbedBuilder("Speakers", "\n".join(lines))
        pages.append(builder.footer(_footer(number, len(chunks), len(speakers), "speakers")))
    return pages


def about_embed(infos: Sequence[ArticleInfo]) -> discord.Embed:
    """Title, source, publication date, passage count and version of each article."""
    if len(infos) == 1:
        info = infos[0]
        builder = EmbedBuilder(clean(info.title or info.article), url=link(info.url))
        for name, value in _about_fields(info):
            builder.add_field(name, value, inline=True)
        return builder.footer(f"newsdesk {info.version} · article {neutralise_mentions(info.article)}")
    builder = EmbedBuilder("About", f"{len(infos)} articles loaded.")
    for info in infos:
        value = " · ".join(f"{name}: {value}" for name, value in _about_fields(info))
        builder.add_field(clean(info.title or info.article), f"{clean(info.article)} · {value}", reserve=60)
    version = infos[0].version if infos else "?"
    extra = f" · {builder.dropped} more not shown" if builder.dropped else ""
    return builder.footer(f"newsdesk {version}{extra}")


def _about_fields(info: ArticleInfo) -> list[tuple[str, str]]:
    return [
        ("Source", clean(info.source) if info.source else "unknown"),
        ("Published", info.published or "unknown"),
        ("Passages", f"{info.passages} from {info.paragraphs} paragraphs"),
        ("Version", info.version),
    ]


def choices_for(current: str, names: Sequence[str]) -> list[str]:
    """The names that contain what the user typed (prefix matches first), as many as autocomplete allows."""
    needle = current.casefold().strip()
    matches = [n for n in names if needle in n.casefold()]
    matches.sort(key=lambda n: (not n.casefold().startswith(needle), n.casefold()))
    return [n for n in matches if len(n) <= CHOICE_NAME_MAX][:CHOICES_MAX]


def plain(text: str) -> str:
    """A plain-text message: mentions neutralised, cut to the content limit."""
    return truncate(neutralise_mentions(text), CONTENT_MAX)


# -- help, settings and stats ------------------------------------------------------------------------

HELP_TITLE = "newsdesk: ask about the news"


def help_embed(
    examples: HelpExamples, *, ask_channels: Sequence[int] = (), message_content: bool = True
) -> discord.Embed:
    """Every command in one embed, with examples from the server's own newest article."""
    title = clean(examples.title)
    question = neutralise_mentions(examples.question)
    count = f"{examples.articles} article{'s' if examples.articles != 1 else ''}"
    description = (
        f"Ask me a question about the articles and I answer with the passages that say so, the answering "
        f"sentence in **bold**. I can ask about {count}, the newest being **{title}**."
    )
    builder = EmbedBuilder(HELP_TITLE, description)
    ask = [
        f"`/ask question: {question}`",
        f"`@newsdesk {question}` works too, as does a DM.",
    ]
    if ask_channels:
        where = ", ".join(f"<#{c}>" for c in ask_channels[:10])
        ask.append(
            f"In {where}, just type the question."
            if message_content
            else f"{where} are ask channels, but the bot cannot read messages yet: mention it there."
        )
    ask.append(
        "Options: `article` limits it to one article, `top_k` shows more passages, `ephemeral` hides it."
    )
    builder.add_field("Ask", "\n".join(ask))
    who = clean(examples.speaker) if examples.speaker else None
    builder.add_field(
        "Quotes and people",
        (f"`/quotes speaker: {who}`: what {who} said\n" if who else "`/quotes`: every quotation\n")
        + "`/speakers`: who is quoted, their role and how often",
    )
    builder.add_field(
        "Dates and sources",
        f"`/timeline article: {title}`: the dated events, in order\n"
        "`/about`: title, source, date and size of each article",
    )
    builder.add_field(
        "Feedback",
        "👍/👎 under an answer tell the server's admins whether it helped (totals only, never who voted).",
    )
    builder.add_field(
        "For admins (Manage Server)",
        "`/article add` a link or a file, `/article list`, `/article remove`\n"
        "`/newsdesk settings`: ask channels, thread mode, default article, cooldown, private answers, "
        "article threads\n`/newsdesk stats`: questions answered, “doesn't say” rate and 👍 share per article",
    )
    return builder.footer("/help shows this again; so does @newsdesk help.")


def settings_embed(
    settings: GuildSettings, *, message_content: bool, titles: Mapping[str, str] | None = None
) -> discord.Embed:
    """A server's settings as an admin reads them; ``titles`` names articles by title."""
    titles = titles or {}
    builder = EmbedBuilder("Settings of this server")
    if settings.ask_channels:
        ask = ", ".join(f"<#{c}>" for c in sorted(settings.ask_channels))
        if not message_content:
            ask += (
                "\n⚠️ The Message Content intent is off for this bot, so messages there are not read: "
                "enable it in the Developer Portal (docs/bot.md) and restart. Until then, mention the bot."
            )
    else:
        ask = "none: people mention the bot or use /ask"
    builder.add_field("Ask channels", ask)
    builder.add_field(
        "Thread mode",
        "on: each answer goes into a new thread named after the question" if settings.thread_mode else "off",
        inline=True,
    )
    builder.add_field(
        "Cooldown",
        f"{settings.cooldown_s} s between one member's questions"
        if settings.cooldown_s
        else "off (the built-in limit: 3 questions per 30 s per member)",
        inline=True,
    )
    builder.add_field(
        "Private answers",
        "on: /ask answers only the asker sees, unless `ephemeral: False`"
        if settings.private_answers
        else "off: /ask answers everyone sees, unless `ephemeral: True`",
        inline=True,
    )
    defaults = [
        f"<#{channel}>: {clean(titles.get(article, article))}"
        for channel, article in sorted(settings.articles.items())
    ]
    builder.add_field("Default articles", "\n".join(defaults[:20]) or "none: questions search every article")
    builder.add_field(
        "Article threads",
        f"each article added opens a thread in <#{settings.article_threads}>"
        if settings.article_threads
        else "off",
    )
    return builder.footer("Change them with /newsdesk settings …")


def _percent(share: float | None) -> str:
    return "no votes" if share is None else f"{round(100 * share)}%"


def _stats_line(row: ArticleStats) -> str:
    votes = row.up + row.down
    thumbs = (
        f"👍 {_percent(row.up_share)} of {votes} vote{'s' if votes != 1 else ''}" if votes else "no votes"
    )
    asked = f"{row.questions} question{'s' if row.questions != 1 else ''}"
    return f"{asked} · “doesn't say” {_percent(row.abstention_rate)} · {thumbs}"


def stats_embed(stats: Stats, titles: Mapping[str, str] | None = None) -> discord.Embed:
    """Questions answered, abstention rate and 👍 share, in total and per article (busiest first)."""
    titles = titles or {}
    if not stats.total.questions and not (stats.total.up + stats.total.down):
        return EmbedBuilder("Answers in this server", "No questions answered here yet.").embed
    builder = EmbedBuilder("Answers in this server", f"**In total:** {_stats_line(stats.total)}")
    for row in stats.articles:
        name = clean(titles.get(row.article, row.article)) if row.article else "No article came close"
        builder.add_field(name, _stats_line(row), reserve=80)
    extra = f" · {builder.dropped} more article(s) not shown" if builder.dropped else ""
    return builder.footer(f"“doesn't say”: answered that the article doesn't say{extra}")


def article_thread_intro(title: str, url: str | None, *, message_content: bool) -> str:
    """The first message of an article's thread: what it is for, and how to ask there."""
    name = clean(title)
    linked = f"[{_link_text(title)}](<{url}>)" if link(url) else f"**{name}**"
    how = "Ask anything about it here" if message_content else "Mention me here with a question"
    return plain(f"New article: {linked}. {how}: answers in this thread come from this article.")
