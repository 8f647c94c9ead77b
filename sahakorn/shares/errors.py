"""The one error the share services raise for a refused action; its message is shown to the user as is."""

from __future__ import annotations

from sahakorn.core.errors import ServiceError


class ShareError(ServiceError):
    """A share operation the rules refuse, with a Thai message and, when rules were checked, the checks."""
