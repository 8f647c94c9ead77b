"""The one error the funeral services raise for a refused action; its message is shown to the user as is."""

from __future__ import annotations


class FuneralError(Exception):
    """A funeral-association operation that is refused, with a Thai message; nothing was written.

    ``field`` (or ``errors``, field → message) names the form field a message belongs to. For a
    beneficiary list the key is ``beneficiaries-<index>-<field>`` (the formset's field names) or
    ``beneficiaries`` for the list as a whole (e.g. shares that do not total 100%).
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
