from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = ["welfare.view_welfarescheme", "welfare.view_schemeamount", "welfare.view_welfareclaim"]
# Officers take applications at the counter and pay approved claims.
_OPERATE = ["welfare.add_welfareclaim", "welfare.pay_welfareclaim"]
# The manager is the second person on every claim, corrects paid ones, and keeps the schemes.
_MANAGE = [
    "welfare.approve_welfareclaim",
    "welfare.reverse_welfareclaim",
    "welfare.add_welfarescheme",
    "welfare.change_welfarescheme",
    "welfare.add_schemeamount",
    "welfare.change_schemeamount",
    "welfare.delete_schemeamount",
]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _OPERATE,
    MANAGER: _VIEW + _OPERATE + _MANAGE,
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
