from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = [
    "loans.view_loanproduct",
    "loans.view_loanproductrules",
    "loans.view_loancontract",
    "loans.view_loanapplication",
    "loans.view_loantransaction",
    "loans.view_guarantee",
]
_OPERATE = [
    "loans.add_loanapplication",
    "loans.add_loancontract",
    "loans.add_loantransaction",
    "loans.change_loancontract",
    "loans.add_guarantee",
]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _OPERATE,
    MANAGER: _VIEW
    + _OPERATE
    + ["loans.approve_loanapplication", "loans.add_loanproductrules", "loans.add_guaranteerules"],
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
