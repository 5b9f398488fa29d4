"""What `pip install .` puts in the installed package (not an editable install)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_package_data_holds_every_data_file() -> None:
    # Regression: reconciler/data/*.yaml was not package data, so the first README command
    # (`pip install .`, then importing claims) failed with FileNotFoundError for place_words.yaml.
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = ROOT / "reconciler"
    files = [p.relative_to(package) for p in (package / "data").rglob("*") if p.is_file()]
    assert files
    assert [f for f in files if not any(f.match(pattern) for pattern in patterns["reconciler"])] == []
