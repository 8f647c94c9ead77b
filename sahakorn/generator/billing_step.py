"""Members of the generated coop who pay by bank account (หักบัญชีธนาคาร), a step after the loans.

About 2% of the active members (pensioners and staff of units that do not deduct pay do this in
real coops) sign a mandate to have the monthly bill debited from the bank account on their member
record, starting with the first month after ``as_of`` (the history before it is payroll); the coop's
collecting account for the bank's file is set. The next month's freeze then bills them by bank and
the cycle page offers the bank's 130-character file. Drawn from ``coop.rng("bank_debits")``.
"""

from __future__ import annotations

from sahakorn.billing.models import BankDebitAccount, BankDebitMandate
from sahakorn.core.months import add_months
from sahakorn.generator.coop import GeneratedCoop
from sahakorn.members.models import Member, MemberStatus

SHARE = 0.02


def bank_debits_step(coop: GeneratedCoop) -> None:
    rng = coop.rng("bank_debits")
    starts = add_months(coop.as_of.replace(day=1), 1)
    BankDebitAccount.objects.create(
        bank_code="006", account_no="0001234567", company_name="SAHAKORN SAVINGS COOP", service_code="01"
    )
    members = Member.objects.filter(status=MemberStatus.ACTIVE).exclude(bank_account_no="").order_by("number")
    chosen = [
        (member_id, bank, account)
        for member_id, bank, account in members.values_list("pk", "bank_code", "bank_account_no")
        if rng.random() < SHARE and len(account) == 10 and account.isdigit() and len(bank) == 3
    ]
    BankDebitMandate.objects.bulk_create(
        BankDebitMandate(member_id=member_id, bank_code=bank, account_no=account, starts=starts)
        for member_id, bank, account in chosen
    )
    coop.counts["bank_debit_mandates"] = len(chosen)
