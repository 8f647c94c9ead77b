"""The one error the welfare services raise for a refused action; its message is shown to the user as is."""

from sahakorn.core.errors import ServiceError


class WelfareError(ServiceError):
    """A welfare operation refused, with a Thai message and, when rules were checked, the checks."""
