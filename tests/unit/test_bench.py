"""The benchmark's arithmetic and its memory sampler (the benchmark itself runs in CI's smoke)."""

from __future__ import annotations

import subprocess
import sys

from bench.run import Measurement, TreeRssSampler, ratios


def m(scenario: str, seconds: float, rss: float = 100.0) -> Measurement:
    return Measurement(scenario, 1, 1, seconds, rss, True)


def test_ratios_compare_side_by_side_figures_with_the_targets() -> None:
    results = [
        m("floor_1m", 10),
        Measurement("full_1m", 1, 1, 55, 5000, True, {"landing": 16.0}),
        m("full_100k", 4),
        m("incr_10k_on_1m", 8),
        m("incr_10k_on_10k", 5),
        m("incr_300k_on_1m", 61),
        m("import_floor", 2),
        m("incr_1k_on_10k", 9),
        m("sensor_1k_on_10k", 25),
    ]
    got = {r["ratio"]: (r["value"], r["met"]) for r in ratios(results)}
    assert got["full_1m / floor_1m"] == (5.5, True)
    assert got["landing of full_1m / floor_1m"] == (1.6, False)  # a stage's seconds over the floor
    assert got["incr_10k_on_1m / incr_10k_on_10k"] == (1.6, False)
    assert got["incr_300k_on_1m / full_1m"] == (1.11, False)
    assert got["incr_1k_on_10k / import_floor"] == (4.5, False)
    assert got["incr_10k_on_1m / full_1m"] == (0.15, True)
    assert got["full_1m / full_100k"] == (13.75, False)
    assert got["incr_300k_on_1m seconds"] == (61, False)
    assert got["sensor_1k_on_10k seconds (dropped → published)"] == (25, True)
    assert got["peak RSS at 1M (GiB)"] == (4.88, True)
    assert "incr_300k_on_10m / incr_300k_on_1m" not in got  # only measured with --with-10m
    assert "peak RSS at 10M (GiB)" not in got
    seconds = {r["ratio"]: r["seconds"] for r in ratios(results)}
    assert seconds["full_1m / floor_1m"] == "55.0 / 10.0"  # absolute seconds beside every ratio


def test_rss_sampler_sees_the_children_of_the_process() -> None:
    """The pipeline's memory is mostly in its dbt subprocess: the sampler must count descendants."""
    grandchild = "x = bytearray(200 * 2**20); x[::4096] = b'x' * len(x[::4096]); import time; time.sleep(1.5)"
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"]
    )
    with TreeRssSampler(parent.pid, interval=0.05) as sampler:
        parent.wait()
    assert sampler.peak_bytes > 200 * 2**20
