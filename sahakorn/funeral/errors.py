"""The one error the funeral services raise for a refused action; its message is shown to the user as is."""

from sahakorn.core.errors import ServiceError


class FuneralError(ServiceError):
    """A funeral-association operation that is refused, with a Thai message; nothing was written.

    For a beneficiary list the field key is ``beneficiaries-<index>-<field>`` (the formset's field
    names) or ``beneficiaries`` for the list as a whole (e.g. shares that do not total 100%).
    """
