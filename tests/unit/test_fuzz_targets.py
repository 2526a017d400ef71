"""The fuzz targets of `make fuzz` hold on their seed corpus and on every truncation of it (the
cheap, deterministic slice of what atheris explores), so they keep working between fuzz runs."""

from __future__ import annotations

import pytest

from tests.fuzz.targets import ExportTarget, page_target, seed_corpus


def _inputs() -> list[bytes]:
    inputs = []
    for seed in seed_corpus():
        inputs.append(seed)
        inputs.extend(seed[:cut] for cut in range(0, len(seed), max(1, len(seed) // 25)))
    return inputs


@pytest.mark.parametrize("target", ["page", "export"])
def test_targets_hold_on_seeds_and_their_truncations(target: str) -> None:
    run = page_target if target == "page" else ExportTarget()
    for data in _inputs():
        run(data)
