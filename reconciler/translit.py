"""One comparable form for text in any script: transliterated, lower-case ASCII words."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['’ʼʹ`´\u02bc\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)   # the same names and words come back in every claim
def ascii_key(text: str) -> str:
    """Transliterate (``anyascii``: Авдіївка → Avdiivka), lower-case, drop apostrophes and soft
    signs, and reduce to words of a-z0-9 separated by single spaces."""
    text = anyascii(_APOSTROPHES.sub("", text)).lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_ALNUM.sub(" ", text).split())
