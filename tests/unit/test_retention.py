"""The one rule for keeping the newest N (orchestration/retention.py)."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.retention import remove_all_but_newest


def _aged(path: Path, age_s: int) -> Path:
    os.utime(path, ns=(1_000_000_000_000 - age_s * 10**9,) * 2)
    return path


def test_keeps_the_newest_files_and_folders_by_modification_time(tmp_path: Path) -> None:
    old_dir, new_file, mid_file = tmp_path / "b-old", tmp_path / "a-new.duckdb", tmp_path / "c-mid.duckdb"
    (old_dir / "inside").mkdir(parents=True)
    new_file.write_text("x")
    mid_file.write_text("x")
    paths = [_aged(new_file, 1), _aged(old_dir, 30), _aged(mid_file, 10)]
    assert remove_all_but_newest(paths, 2) == [old_dir]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-new.duckdb", "c-mid.duckdb"]


def test_keeps_by_another_order_and_never_fails_on_fewer_than_n(tmp_path: Path) -> None:
    files = [tmp_path / f"{name}.duckdb" for name in ("2026b", "2026a", "2026c")]
    for f in files:
        f.write_text("x")
    assert remove_all_but_newest(files, 5) == []
    assert remove_all_but_newest(files, 1, newest_by=lambda p: p.name) == [files[1], files[0]]
    assert [p.name for p in tmp_path.iterdir()] == ["2026c.duckdb"]
    assert remove_all_but_newest([], 0) == []
