"""``sahakorn ledger check``: prove the general ledger is whole (``ledger.reconcile``).

Every posted voucher balances (one GROUP BY over its lines), total debits equal total credits,
no posted voucher is empty and no line sits on a header account. Exits non-zero on any failure,
so it can run in cron or CI against a production copy. ``sahakorn reconcile`` runs it with every
sub-ledger's reconciliation.
"""

from django.core.management.base import BaseCommand, CommandParser

from sahakorn.core.subledger import reconciled_check
from sahakorn.ledger.reconcile import ledger_reconcile


class Command(BaseCommand):
    help = "General ledger tools (บัญชีแยกประเภท): check"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("check", help="ตรวจว่าทุกใบสำคัญสมดุล / prove every posted entry balances")

    def handle(self, *args, action: str, **options) -> None:
        if action == "check":
            reconciled_check(self, ledger_reconcile())
