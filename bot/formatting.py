"""Embeds for the bot's answers, kept inside Discord's limits. Pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import discord

from retrieval.models import Answer, AnswerSpan, ArticleInfo, Hit, Quote, Speaker, Timeline, TimelineEvent

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
NOT_ANSWERABLE = "The article doesn't say. The closest passage is below, in case it helps."
NO_HITS = "The article doesn't say, and no passage comes close."

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

    def __init__(self, title: str, description: str | None = None, *, url: str | None = None) -> None:
        self.embed = discord.Embed(
            title=truncate(title, TITLE_MAX),
            description=truncate(description, DESCRIPTION_MAX) if description else None,
            colour=COLOUR,
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


def _hit_field(hit: Hit, show_article: bool) -> tuple[str, str]:
    passage = hit.passage
    name = f"{_paragraph_label(passage.article, passage.paragraph, show_article)} · relevance {hit.score:.2f}"
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


def answer_embed(answer: Answer, *, show_article: bool = False) -> discord.Embed:
    """The /ask reply: the top passages, or a clear "the article doesn't say" plus the closest one."""
    hits = answer.hits if answer.answerable else answer.hits[:1]
    description = None if answer.answerable else NOT_ANSWERABLE if hits else NO_HITS
    builder = EmbedBuilder(clean(answer.question), description)
    footer = "Scores are relevance, higher is closer." if hits else "Try rephrasing the question."
    for hit in hits:
        name, value = _hit_field(hit, show_article)
        builder.add_field(name, value, reserve=len(footer) + 40)
    if builder.dropped:
        footer = f"{builder.dropped} more passage(s) did not fit. " + footer
    return builder.footer(footer)


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


def _event_line(event: TimelineEvent, show_article: bool) -> tuple[str, str]:
    when = event.date or "date unknown"
    if event.modifier:
        when = f"{event.modifier} {when}"
    where = _paragraph_label(event.article, event.paragraph, show_article)
    name = f"{when} · {where}"
    value = f"**{clean(event.expression)}**: {clean(event.text)}"
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
