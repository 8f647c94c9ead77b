"""What stops a member from resigning (เงื่อนไขการลาออก), contributed by the apps that know it.

Bylaws commonly say a member who resigns may owe nothing as a guarantor: the borrowers must
replace them first. (Debts as a borrower do not stop it: the shares settle them on leaving.)
The loans app registers its check; the members service only asks. Death and expulsion are
never refused: they happen, and the loans app flags the contracts instead.
"""

from __future__ import annotations

from collections.abc import Callable

ResignationCheck = Callable[..., list[str]]
_checks: list[ResignationCheck] = []


def resignation_check_register(check: ResignationCheck) -> None:
    """``check(member=…) -> [reason, …]``: each reason the member may not resign yet (Thai)."""
    if check not in _checks:
        _checks.append(check)


def resignation_blockers(*, member) -> list[str]:
    return [reason for check in _checks for reason in check(member=member)]
