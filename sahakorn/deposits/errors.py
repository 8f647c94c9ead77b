"""The one error the deposit services raise for a refused action; its message is shown to the user as is."""

from __future__ import annotations

from sahakorn.core.errors import ServiceError


class DepositError(ServiceError):
    """A deposit operation the rules refuse, with a Thai message (and the field it belongs to); nothing was written."""
