"""The one error the ledger raises for a refused action; its message is shown to the user as is."""

from sahakorn.core.errors import ServiceError


class LedgerError(ServiceError):
    """A voucher, period or account operation the ledger refuses, with a Thai message saying why."""
