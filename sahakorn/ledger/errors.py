"""The one error the ledger raises for a refused action; its message is shown to the user as is."""


class LedgerError(Exception):
    """A voucher, period or account operation the ledger refuses, with a Thai message saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
