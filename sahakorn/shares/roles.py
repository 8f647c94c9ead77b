from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = [
    "shares.view_shareaccount",
    "shares.view_sharetransaction",
    "shares.view_sharerequest",
    "shares.view_sharerules",
]
_OPERATE = ["shares.add_sharetransaction", "shares.add_sharerequest", "shares.change_shareaccount"]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _OPERATE,
    MANAGER: _VIEW
    + _OPERATE
    + ["shares.approve_sharerequest", "shares.add_sharerules", "shares.add_monthlyrun"],
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
