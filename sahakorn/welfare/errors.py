"""The one error the welfare services raise for a refused action; its message is shown to the user as is."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sahakorn.welfare.rules import RuleCheck


class WelfareError(Exception):
    """A welfare operation refused, with a Thai message and, when rules were checked, the checks.

    ``field`` (or ``errors``, field → message) names the form field a message belongs to, so a
    screen can put the message beside it.
    """

    def __init__(
        self,
        message: str,
        *,
        checks: list[RuleCheck] | None = None,
        field: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.checks = list(checks or [])
        self.errors = dict(errors or ({field: message} if field else {}))
        self.field = field or next(iter(self.errors), None)

    def __str__(self) -> str:
        return self.message

    @property
    def failed_checks(self) -> list[RuleCheck]:
        return [check for check in self.checks if not check.passed]
