"""What every data check returns, whichever tool ran it (GX, SQL invariants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["ERROR", "WARN"]


@dataclass(frozen=True)
class CheckOutcome:
    table: str  # the published table the check is about
    name: str  # stable check name, shown in Dagster
    passed: bool
    severity: Severity
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks_publish(self) -> bool:
        return not self.passed and self.severity == "ERROR"
