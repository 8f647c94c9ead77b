"""The one error the loan services raise for a refused action; its message is shown to the user as is."""

from sahakorn.core.errors import ServiceError


class LoanError(ServiceError):
    """A loan operation the rules refuse, with a Thai message (and the checks, when rules were checked)."""
