"""Keep the newest N: published versions, export and site sets, Data Docs of failed runs, dbt
target folders. One rule for all of them, so that "the last PUBLISH_KEEP_VERSIONS are kept"
means the same everywhere."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison


def modified_ns(path: Path) -> int:
    return path.stat().st_mtime_ns


def remove_all_but_newest(
    paths: Iterable[Path], keep: int, *, newest_by: Callable[[Path], SupportsRichComparison] = modified_ns
) -> list[Path]:
    """Delete every path (file or folder) but the `keep` newest by `newest_by` (modification
    time unless said otherwise); returns what was deleted, oldest first."""
    ordered = sorted(paths, key=newest_by)
    stale = ordered[: max(len(ordered) - keep, 0)]
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return stale
