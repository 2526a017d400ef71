"""The dbt step's own bookkeeping: the transform fingerprint, the parse state handed to the next
run, old target folders pruned (the build plan itself: tests/unit/test_incremental.py)."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.transform.assets import (
    keep_parse_state,
    prune_run_targets,
    restore_parse_state,
    run_target_path,
    transform_fingerprint,
)


def _project(root: Path) -> Path:
    for folder in ("models", "macros", "seeds", "tests"):
        (root / folder).mkdir(parents=True)
    (root / "models" / "m.sql").write_text("select 1")
    (root / "tests" / "t.sql").write_text("select 1 where false")
    (root / "dbt_project.yml").write_text("name: p")
    return root


def test_fingerprint_follows_models_not_tests(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = transform_fingerprint(project)
    (project / "tests" / "t.sql").write_text("select 2 where false")
    assert transform_fingerprint(project) == before
    (project / "models" / "m.sql").write_text("select 2")
    assert transform_fingerprint(project) != before


def test_the_parse_state_goes_from_the_warehouse_to_its_next_run_and_back(tmp_path: Path) -> None:
    state_dir = tmp_path / "warehouse" / "dbt_state"
    first = run_target_path(tmp_path / "target", "warehouse_dbt_models", "run1-id")
    assert not restore_parse_state(state_dir, first)  # a new warehouse: dbt parses everything
    assert not keep_parse_state(first, state_dir)  # the run left no state: nothing to keep
    first.mkdir(parents=True)
    (first / "partial_parse.msgpack").write_bytes(b"from run 1")
    (state_dir).mkdir(parents=True)
    (state_dir / ".partial_parse.killed-run.tmp").write_bytes(b"half")  # a run killed mid-copy
    assert keep_parse_state(first, state_dir)
    assert sorted(p.name for p in state_dir.iterdir()) == ["partial_parse.msgpack"]

    second = run_target_path(tmp_path / "target", "warehouse_dbt_models", "run2-id")
    assert second.name.startswith("warehouse_dbt_models-run2-id") and second != first
    assert restore_parse_state(state_dir, second)
    assert (second / "partial_parse.msgpack").read_bytes() == b"from run 1"
    (second / "partial_parse.msgpack").write_bytes(b"from run 2")
    assert keep_parse_state(second, state_dir)
    assert (state_dir / "partial_parse.msgpack").read_bytes() == b"from run 2"


def test_old_dbt_target_folders_are_pruned(tmp_path: Path) -> None:
    """Each dbt invocation leaves a target folder; only the newest few of the step stay."""
    folders = []
    for number in range(8):
        folder = tmp_path / f"warehouse_dbt_models-run{number}-abc"
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, ns=(number * 10**9, number * 10**9))
        folders.append(folder)
    (tmp_path / "compiled").mkdir()  # dbt's own folder: never touched
    (tmp_path / "other_step-run0-abc").mkdir()  # another step's: never touched
    current = folders[2]  # the invocation that just ran, whatever its mtime
    deleted = prune_run_targets(current, keep=3)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(["compiled", "other_step-run0-abc", current.name, folders[7].name, folders[6].name])
    assert len(deleted) == 5
