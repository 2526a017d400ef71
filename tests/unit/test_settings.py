"""Settings from the environment: DuckDB sizes and what is derived from them."""

from dataclasses import replace

import pytest

from orchestration.settings import load_settings, parse_byte_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4GB", 4 * 10**9),
        ("512 MiB", 512 * 2**20),
        ("1.5gb", 1_500_000_000),
        ("100000b", 100_000),
        ("80%", None),
        ("lots", None),
        ("4 GiB ", 4 * 2**30),
    ],
)
def test_duckdb_sizes_parse(text: str, expected: int | None) -> None:
    assert parse_byte_size(text) == expected


def test_landing_chunks_follow_the_memory_limit() -> None:
    def chunk(limit: str) -> int:
        return replace(load_settings(), duckdb_memory_limit=limit).landing_chunk_bytes

    assert chunk("64MB") == 1_000_000
    assert chunk("100GB") == 32 * 2**20  # capped: bigger chunks buy no speed
    assert chunk("1MB") == 64 * 1024  # floored: tiny chunks cost a statement per record
    assert chunk("not a size") == 32 * 2**20  # DuckDB itself rejects it; 4 GB assumed here
