"""Writing a whole file or none of it: what `export --out` and `report --out` write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .context import UsageProblem


def write_whole(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as they are) to a temporary file beside ``path``, flushed
    to disk, then rename it over ``path``: a reader never sees half a file, and a failure (a full
    disk, an interrupt, any exception) leaves no temporary file and the file that was there as it
    was. The new file gets the mode any new file gets (0666 less the umask): an export or a
    report may hold unpublished material, and a umask of 077 keeps it private."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageProblem(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~umask())   # mkstemp makes it private; give it a new file's mode
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UsageProblem(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
        raise


def umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
