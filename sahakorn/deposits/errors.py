"""The one error the deposit services raise for a refused action; its message is shown to the user as is."""

from __future__ import annotations


class DepositError(Exception):
    """A deposit operation the rules refuse, with a Thai message.

    ``field`` (or ``errors``, field → message) names the form field a message belongs to, when
    there is one, so a screen can put the message beside it. Nothing was written.
    """

    def __init__(
        self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or ({field: message} if field else {}))
        self.field = field or next(iter(self.errors), None)

    def __str__(self) -> str:
        return self.message
