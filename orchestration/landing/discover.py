"""Find the files waiting in the landing directory.

Landing convention (docs/operations.md): writers drop `*.jsonl` exports and `*.txt` rendered
pages, writing under a temporary name (a leading dot, or a `.tmp`/`.partial` suffix) and renaming
when complete. Those in-flight names are never picked up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

FORMATS = {".jsonl": "export", ".txt": "page"}


@dataclass(frozen=True)
class LandedFile:
    path: Path
    relative_path: str  # what lineage records: stable whichever directory the landing dir is moved to
    file_format: str  # "export" | "page"
    size_bytes: int
    mtime_ns: int


def discover(landing_dir: Path) -> list[LandedFile]:
    """Every complete landing file, in a deterministic order (path), symlinks out of the tree excluded."""
    if not landing_dir.is_dir():
        return []
    root = landing_dir.resolve()
    found: list[LandedFile] = []
    for path in sorted(landing_dir.rglob("*")):
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None or path.name.startswith(".") or not path.is_file():
            continue
        resolved = path.resolve()
        if not resolved.is_relative_to(root):  # a link pointing outside the landing directory
            continue
        stat = resolved.stat()
        found.append(
            LandedFile(
                path=path,
                relative_path=path.relative_to(landing_dir).as_posix(),
                file_format=file_format,
                size_bytes=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
            )
        )
    return found


def file_sha256(path: Path) -> str:
    """The content key of the exactly-once manifest, hashed in blocks (files may be large)."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
