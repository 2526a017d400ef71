"""Versioned sets of files swapped in atomically: the Parquet exports and the site each live in
`<link>_versions/<version>/`, and `<link>` is a symbolic link renamed onto the new set in one
step, so that a reader who resolves the link once reads one whole version. Half-built sets a
killed run left are dot-named and removed by the next publish."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from orchestration.files import fsync_dir
from orchestration.retention import remove_all_but_newest


def remove_stale_sets(link: Path) -> None:
    """Drop the half-built sets and links of `link` (see `swap_in_set`) a killed run left."""
    for leftover in [*link.parent.glob(f".{link.name}.*.tmp"), *set_store(link).glob(".*.tmp")]:
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink()
        else:
            shutil.rmtree(leftover)


def set_store(link: Path) -> Path:
    """Where each version's set lives (`<link>_versions/`); `link` points to the current one."""
    return link.with_name(f"{link.name}_versions")


def swap_in_set(staging: Path, link: Path, tag: str, keep: int) -> Path:
    """Make the complete directory `staging` (inside `link`'s store, `<link>_versions/`) the set
    `link` points to, under the name `tag`, in one atomic rename of a symbolic link: a reader
    that resolves `link` once reads one whole set, never a mix. The newest `keep` sets stay."""
    store = staging.parent
    complete = store / tag
    os.rename(staging, complete)
    new_link = link.with_name(f".{link.name}.{tag}.tmp")
    new_link.symlink_to(complete.relative_to(link.parent))
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # the layout before versioned sets: a plain directory
    os.replace(new_link, link)  # the atomic step
    fsync_dir(link.parent)
    # dot-named entries are other publishes' sets still being built
    remove_all_but_newest((p for p in store.iterdir() if p != complete and not p.name.startswith(".")), keep - 1)
    return complete


def new_version_id() -> str:
    """Sortable by time (microseconds), unique by its random tail."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
