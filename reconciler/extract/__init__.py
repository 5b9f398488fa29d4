"""Draft claims from the text of a report (`reconcile extract`).

A report (plain text or HTML) is read into sentences (:mod:`.document`); each sentence is read
for who says it and through whom, what happened to whom and the figures as written
(:mod:`.statements`), when (:mod:`.when`) and where (:mod:`.where`); :mod:`.drafting` makes
the drafts, in the import contract, each with the rule behind each field. The rules are data:
``reconciler/data/extract/`` (``common.yaml`` and one file per language). Nothing here opens a
database or downloads anything.
"""

from __future__ import annotations

from pathlib import Path

from .document import Document, detect_language, read_document, read_text
from .drafting import Draft, ExtractOptions, extract
from .rules import LANGUAGES

__all__ = ["Document", "Draft", "ExtractOptions", "LANGUAGES", "detect_language", "extract", "extract_file",
           "registered_names",
           "read_document", "read_text"]


def extract_file(path: Path, options: ExtractOptions = ExtractOptions()) -> list[Draft]:
    """The drafts of one report file (raises :class:`reconciler.errors.ExtractError`)."""
    text = read_text(path)
    document = read_document(str(path), text, options.lang, options.published.year if options.published else None)
    return extract(document, options)


def registered_names(pairs) -> dict[str, str]:
    """The ``names`` of :class:`ExtractOptions` from (name, aliases) pairs: the ASCII key of
    each name and alias → the name (from a sources file's specs, or the stored registry)."""
    from ..translit import ascii_key

    names: dict[str, str] = {}
    for name, aliases in pairs:
        for written in (name, *aliases):
            key = ascii_key(written)
            if key:
                names.setdefault(key, name)
    return names
