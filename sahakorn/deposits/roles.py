from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = [
    "deposits.view_depositproduct",
    "deposits.view_depositrate",
    "deposits.view_depositaccount",
    "deposits.view_deposittransaction",
    "deposits.view_deposithold",
    "deposits.view_interestrun",
]
# Officers run the counter: open and close accounts, deposit, withdraw, transfer, hold, reverse,
# reactivate dormant accounts.
_OPERATE = [
    "deposits.add_depositaccount",
    "deposits.change_depositaccount",
    "deposits.add_deposittransaction",
    "deposits.add_deposithold",
    "deposits.change_deposithold",
]
# The manager also runs interest and edits products and rates (in the admin).
_MANAGE = [
    "deposits.add_interestrun",
    "deposits.add_depositproduct",
    "deposits.change_depositproduct",
    "deposits.add_depositrate",
    "deposits.change_depositrate",
]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _OPERATE,
    MANAGER: _VIEW + _OPERATE + _MANAGE,
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
