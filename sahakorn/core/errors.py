"""The one base of every refusal a service raises (ServiceError), and how a screen or the API shows it.

A service refuses by raising a subclass of ``ServiceError`` (``LoanError``, ``ShareError``, …;
the subclass only says which sub-ledger refused) with a message in the coop's words. Nothing was
written when it is raised. The error may also say where the problem is, so a screen can put the
message beside the field and an import can name the row:

- ``field``: the form field the message belongs to, or ``errors`` (field → message) for several;
- ``row``: the row of a file or a list (1-based as the officer counts it), when there is one;
- ``checks``: the rule checks that were run (``core.rules.RuleCheck``), passed and failed, for the
  approver's screen.

``core.forms.error_to_form`` turns it into form errors and ``ServiceError.as_json`` into the API's
error body; no view or endpoint unpacks it by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sahakorn.core.rules import RuleCheck


class ServiceError(Exception):
    """A refused action, with the reason in the coop's words; nothing was written."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: dict[str, str] | None = None,
        row: int | None = None,
        checks: list[RuleCheck] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        # field → message, for a form to show each beside its field (``field`` alone is one of them).
        self.errors: dict[str, str] = dict(errors or ({field: message} if field else {}))
        self.field: str | None = field or next(iter(self.errors), None)
        self.row = row
        self.checks: list[RuleCheck] = list(checks or [])

    def __str__(self) -> str:
        return self.message

    @property
    def failed_checks(self) -> list[RuleCheck]:
        return [check for check in self.checks if not check.passed]

    def as_json(self) -> dict[str, Any]:
        """The API's error body: ``{"error", "field", "errors", "row", "checks"}`` (empty parts omitted)."""
        body: dict[str, Any] = {"error": self.message}
        if self.field:
            body["field"] = self.field
        if self.errors:
            body["errors"] = dict(self.errors)
        if self.row is not None:
            body["row"] = self.row
        if self.checks:
            body["checks"] = [check.as_json() for check in self.checks]
        return body
