from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = ["ledger.view_account", "ledger.view_journalentry", "ledger.view_fiscalyear"]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW,
    # The manager, or another accountant, is the second person on a large manual voucher.
    MANAGER: _VIEW + ["ledger.approve_journalentry"],
    ACCOUNTANT: _VIEW
    + [
        "ledger.add_journalentry",
        "ledger.post_journalentry",
        "ledger.reverse_journalentry",
        "ledger.approve_journalentry",
        "ledger.close_fiscalperiod",
        "ledger.add_account",
        "ledger.change_account",
    ],
    AUDITOR: _VIEW,
}
