"""The one error the loan services raise for a refused action; its message is shown to the user as is."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sahakorn.loans.rules import RuleCheck


class LoanError(Exception):
    """A loan operation the rules refuse, with a Thai message, the checks (when rules were checked) and
    ``field``: the form field the message belongs to, when there is one."""

    def __init__(
        self, message: str, *, checks: list[RuleCheck] | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.checks = list(checks or [])
        self.field = field

    def __str__(self) -> str:
        return self.message

    @property
    def failed_checks(self) -> list[RuleCheck]:
        return [check for check in self.checks if not check.passed]
