"""The landing sensor's fingerprint: same files → same run key; any change → a new one."""

from orchestration.automation import landing_state_key


def test_landing_state_key_is_order_independent_and_change_sensitive() -> None:
    files = [("a.jsonl", 10, 1), ("b.txt", 20, 2)]
    assert landing_state_key(files) == landing_state_key(list(reversed(files)))
    assert landing_state_key(files) != landing_state_key([("a.jsonl", 11, 1), ("b.txt", 20, 2)])
    assert landing_state_key(files) != landing_state_key(files[:1])

