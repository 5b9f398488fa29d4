"""A report as the extractor reads it: its text (HTML reduced to the article), its language, its
dateline (publisher and date) and its paragraphs, each split into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ExtractError
from .rules import LANGUAGES, common_rules, language_rules

MAX_BYTES = 20 * 1024 * 1024   # a report, not an archive: refused above this
_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<article|<div|<p[ >])", re.IGNORECASE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
# Words only one of the two writes, for Cyrillic without the letters only one uses ("В
# результате обстрела Донецка погибли два человека" has none of them): function words and the
# commonest words of reports, each spelt as only that language spells it.
_UK_WORDS = frozenset("що як його був була були було або також внаслідок загинув загинула загинули "
                      "загинуло поранено вбито ворог доби минулої окупанти росіяни обстріляли".split())
_RU_WORDS = frozenset("и что как его был была были было или также при результате погиб погибла погибли погибло "
                      "ранен ранена ранены ранено человек человека сообщил сообщили около враг".split())
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_EN_WORDS = frozenset("the a an of in on at to and or is are was were has have had said says by with from for "
                      "that this as after near killed dead".split())


@dataclass(frozen=True)
class Dateline:
    """What the first line of a wire story says: the rule that read it, the date, the agency."""

    rule: str
    published: date | None
    agency: str | None
    text: str


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    lang: str
    dateline: Dateline | None
    paragraphs: tuple[tuple[str, ...], ...]   # sentences, paragraph by paragraph


def read_text(path: Path) -> str:
    """The text of a plain-text or HTML file; raises :class:`ExtractError` for a file that is not
    text, is empty, or (HTML) has no article text."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(name, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise ExtractError(name, f"is larger than {MAX_BYTES // (1024 * 1024)} MB; expected one report")
    if b"\0" in data[:65536]:
        raise ExtractError(name, "is a binary file, not text; expected a plain-text or HTML report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(name, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if not text.strip():
        raise ExtractError(name, "is empty; expected the text of a report")
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or _HTML.match(text):
        text = article_text(name, text)
    return text


def article_text(name: str, html: str) -> str:
    """The article's text from an HTML page (trafilatura: boilerplate, menus and comments left out)."""
    try:
        import trafilatura
    except ImportError:   # an optional dependency: plain text needs none of it
        raise ExtractError(name, "is HTML, and reading HTML needs trafilatura "
                                 "(pip install 'reconcile[html]')") from None
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise ExtractError(name, "is HTML with no article text in it")
    return text


def detect_language(text: str, undecided: str | None = None) -> str | None:
    """'uk', 'ru' or 'en' from the script and the letters only one language uses; None when the
    text is in none of them (a Latin-script text must read as English: its common words).
    ``undecided``: the language of Cyrillic that says nothing of which it is (else Ukrainian)."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic > latin:
        words = _CYRILLIC_WORD.findall(text.lower())
        uk = len(_UK_ONLY.findall(text)) + sum(w in _UK_WORDS for w in words)
        ru = len(_RU_ONLY.findall(text)) + sum(w in _RU_WORDS for w in words)
        if uk == ru and undecided in ("uk", "ru"):
            return undecided
        return "uk" if uk >= ru else "ru"
    words = re.findall(r"[a-z]+", text.lower())
    if latin and words and sum(w in _EN_WORDS for w in words) >= max(1, len(words) // 20):
        return "en"
    return None


def line_language(text: str, document: str) -> str:
    """The language of one headline of a file in ``document``'s: its own where its letters or
    words tell (a Latin-script line is English), else the file's."""
    found = detect_language(text, undecided=document)
    if found is None and len(_LATIN.findall(text)) > len(_CYRILLIC.findall(text)):
        return "en"
    return found or document


def read_dateline(text: str, lang: str, year: int | None = None) -> tuple[Dateline | None, str]:
    """The dateline at the start of ``text`` and the text after it (``text`` when there is none);
    ``year`` completes a date written without one ("KYIV, April 7 (Reuters) -")."""
    from .when import absolute_date   # below this module: dates read the language's month names

    head = text.lstrip()[:400]
    for rule in common_rules().datelines:
        found = rule.regex.match(head)
        if found is None:
            continue
        groups = found.groupdict()
        published = absolute_date(groups["date"], language_rules(lang), year) if groups.get("date") else None
        agency = groups["agency"].strip()
        return Dateline(rule.name, published, agency, found.group(0).strip()), text.lstrip()[found.end():]
    return None, text


_ABBREVIATIONS = frozenset("mr mrs ms dr st gen col lt maj sgt capt prof no vs etc approx jan feb mar apr jun jul aug "
                           "sep sept oct nov dec u.s u.n e.g i.e м с смт вул г пгт обл р тис млн".split())
_OPEN, _CLOSE = "“«„", "”»"


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph: a full stop, question or exclamation mark followed by a space,
    not inside quotation marks (a quote of two sentences is one), not after an abbreviation."""
    sentences, start, depth, straight = [], 0, 0, False
    for i, ch in enumerate(paragraph):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight = not straight
        elif ch in ".!?" and depth == 0 and not straight:
            after = paragraph[i + 1: i + 3]
            if not after[:1].isspace() or not after.strip():
                continue
            word = re.search(r"(\S+)$", paragraph[start:i])
            if word and (word.group(1).lower().strip("(") in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
            sentences.append(paragraph[start: i + 1].strip())
            start = i + 1
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs: blocks between blank lines; a text without blank lines, one a line."""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) == 1 and "\n" in blocks[0].strip():
        blocks = [line for line in blocks[0].splitlines() if line.strip()]
    return [" ".join(b.split()) for b in blocks]


def read_document(name: str, text: str, lang: str | None = None, year: int | None = None) -> Document:
    """A report's text read into a :class:`Document`; ``lang`` given, or found from the text;
    ``year`` completes a dateline's date written without one."""
    if lang is None:
        lang = detect_language(text)
        if lang is None:
            raise ExtractError(name, "is in a language the extractor has no rules for "
                                     f"(it reads {', '.join(LANGUAGES)}); give --lang if it is one of them")
    elif lang not in LANGUAGES:
        raise ExtractError(name, f"unknown language {lang!r}; the extractor reads {', '.join(LANGUAGES)}")
    dateline, body = read_dateline(text, lang, year)
    paragraphs = tuple(tuple(split_sentences(p)) for p in split_paragraphs(body))
    return Document(name, text, lang, dateline, tuple(p for p in paragraphs if p))
