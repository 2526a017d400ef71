"""Skip re-hashing landing files that are loaded and have not been written since.

Landing keys exactly-once on the SHA-256 of a file's bytes, so every run used to hash every file
in the landing directory (at 1M events, 1.8 GB per run, whatever was new). Like git's index, a
file whose device, inode, size, modification and change times (ns) are what they were when its
bytes were hashed, and whose content is in the manifest, is skipped: any write or rename updates
the change time, which writers cannot set. An identity is only recorded when the file's change
time was at least `SETTLE_NS` old when it was stat'ed (before hashing), and unchanged after the
hash, so that a write within the same clock tick as the hash cannot go unseen. This compares the
machine's clock with the file system's: on a network file system with a skewed clock, delete
raw.landing_file_identities and keep it empty (every file is then hashed on every run).
"""

from __future__ import annotations

import os
from dataclasses import astuple, dataclass
from pathlib import Path

import duckdb

# Writes update a file's times from a coarse kernel clock (milliseconds): two writes inside one
# tick look alike. Two seconds is far beyond any tick.
SETTLE_NS = 2_000_000_000


@dataclass(frozen=True)
class FileIdentity:
    device: int
    inode: int
    size_bytes: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        stat = os.stat(path)
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)

    def settled(self, now_ns: int, settle_ns: int = SETTLE_NS) -> bool:
        """True when the file was last changed at least `settle_ns` before `now_ns`."""
        return now_ns - self.ctime_ns >= settle_ns


def known_content(con: duckdb.DuckDBPyConnection, source_file: str, identity: FileIdentity) -> str | None:
    """The content hash of `source_file` if it was recorded with this very identity and that
    content is in the manifest (raw.file_loads); else None (hash the file)."""
    rows = con.execute(
        """
        select identities.content_sha256
        from raw.landing_file_identities as identities
        inner join raw.file_loads as loads
            on loads.content_sha256 = identities.content_sha256
        where identities.source_file = ? and identities.device = ? and identities.inode = ?
            and identities.size_bytes = ? and identities.mtime_ns = ? and identities.ctime_ns = ?
        """,
        [source_file, *astuple(identity)],
    ).fetchall()
    return rows[0][0] if rows else None


def remember(con: duckdb.DuckDBPyConnection, seen: list[tuple[str, FileIdentity, str]]) -> None:
    """Record that each (source_file, identity, content_sha256) holds loaded content. Call it
    once per run inside one transaction (a commit per file cost a checkpoint per file)."""
    con.executemany(
        "insert or replace into raw.landing_file_identities values (?, ?, ?, ?, ?, ?, ?)",
        [[source_file, *astuple(identity), digest] for source_file, identity, digest in seen],
    )
