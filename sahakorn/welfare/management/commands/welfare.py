"""``sahakorn welfare …``: the welfare commands.

- ``check [--as-of YYYY-MM-DD]``: paid minus reversed claims per fund equal the GL's welfare debits.
  The welfare part of ``sahakorn reconcile``, run alone (the same ``SUBLEDGER.reconcile``).
"""

from django.core.management.base import BaseCommand, CommandParser

from sahakorn.core.commands import iso_date
from sahakorn.core.subledger import reconciled_check
from sahakorn.welfare.subledger import SUBLEDGER


class Command(BaseCommand):
    help = "สวัสดิการ (welfare): check"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "check", help="ตรวจการจ่ายสวัสดิการกับบัญชีแยกประเภท / reconcile welfare with the GL"
        )
        check.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default: everything)")

    def handle(self, *args, action: str, **options) -> None:
        reconciled_check(self, SUBLEDGER.reconcile(as_of=options["as_of"]))
