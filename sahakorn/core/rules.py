"""Rule checks (การตรวจตามระเบียบ): one rule applied to one case, shown to the officer and the approver.

Every sub-ledger that checks a request against the coop's rules (shares, loans, welfare) returns a
list of ``RuleCheck`` rows; an application keeps them as JSON (``MakerChecker.checks``) so the
approver sees what the maker saw, and a refusal carries them (``ServiceError.checks``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

PASSED = "ผ่าน"


@dataclass(frozen=True)
class RuleCheck:
    """One rule applied to one case: what the rule says, the figure it was applied to, the outcome."""

    rule: str
    figure: str
    passed: bool
    message: str = PASSED

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RuleCheck:
        return cls(
            **{k: data.get(k, "") for k in ("rule", "figure", "message")}, passed=bool(data.get("passed"))
        )


def checks_failed(checks: Iterable[RuleCheck]) -> list[RuleCheck]:
    return [check for check in checks if not check.passed]


def checks_refuse(checks: list[RuleCheck], *, action: str, error: type[Exception]) -> None:
    """Raise ``error`` ("<action>ไม่ได้: reason (figure); …", with the checks) when any check failed."""
    failed = checks_failed(checks)
    if failed:
        reasons = "; ".join(f"{c.message} ({c.figure})" for c in failed)
        raise error(f"{action}ไม่ได้: {reasons}", checks=checks)  # type: ignore[call-arg]
