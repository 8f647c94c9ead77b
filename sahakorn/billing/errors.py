"""The one error the billing services raise for a refused step; its message is shown to the user as is."""

from sahakorn.core.errors import ServiceError


class BillingError(ServiceError):
    """A billing step that is refused, with a Thai message naming the period, unit, row or field;
    nothing was written (a file is refused whole)."""
