from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = [
    "billing.view_billingperiod",
    "billing.view_billingcycle",
    "billing.view_bill",
    "billing.view_billline",
    "billing.view_billingitem",
    "billing.view_paygroup",
    "billing.view_overdeduction",
    "billing.view_bankdebitmandate",
    "billing.view_bankdebitaccount",
]
# Officers run the month: open it, preview and freeze the bills; they record members' bank-debit
# mandates as the members sign them.
_RUN = [
    "billing.add_billingperiod",
    "billing.change_billingcycle",
    "billing.add_bankdebitmandate",
    "billing.change_bankdebitmandate",
]
# The item table, pay groups and the net-pay floor are the coop's rules: the manager's.
_RULES = [
    "billing.add_billingitem",
    "billing.change_billingitem",
    "billing.add_paygroup",
    "billing.change_paygroup",
    "billing.add_unitbilling",
    "billing.change_unitbilling",
    "billing.add_netpayfloor",
    "billing.change_netpayfloor",
    "billing.view_netpayfloor",
    "billing.view_unitbilling",
    "billing.add_filelayout",
    "billing.change_filelayout",
    "billing.view_filelayout",
    # the coop's account the bank collects into
    "billing.add_bankdebitaccount",
    "billing.change_bankdebitaccount",
]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _RUN,
    # Paying money back out is the manager's (cash or a transfer leaves the coop).
    MANAGER: _VIEW + _RUN + _RULES + ["billing.change_overdeduction"],
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
