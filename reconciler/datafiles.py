"""The word lists and tables matching reads, kept as data in ``reconciler/data/*.yaml``.

Vocabularies (kinds of incident, victims, what was hit, parties), the regions table and the
words that qualify a place are data files, not code, so that a person can read and extend
them (every file says in its comments what its lists mean). One loader reads them, and
:func:`content_hash` digests their bytes: the policy version (``reconciler.config``) and the
gazetteer index version derive from it, so that no change of a word can forget to make the
next run re-decide every event or the next import rebuild the index.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """The parsed content of ``reconciler/data/NAME.yaml``."""
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


@lru_cache(maxsize=None)
def content_hash(*names: str) -> str:
    """A short digest of the named data files' bytes (all of them when none is named)."""
    paths = sorted(DATA_DIR / f"{n}.yaml" for n in names) if names else sorted(DATA_DIR.glob("*.yaml"))
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
