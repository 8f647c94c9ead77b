"""Test data for loans: products with a rules version, and disbursed contracts built directly
(contract + stored schedule + a DISBURSEMENT row with its voucher), without the application flow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from sahakorn.core.money import Rounding
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.loans import calc
from sahakorn.loans.models import (
    ApplicationStatus,
    LoanApplication,
    LoanContract,
    LoanContractRate,
    LoanProduct,
    LoanProductRules,
    LoanTransaction,
    LoanTxKind,
    RepaymentStyle,
)
from sahakorn.loans.services import loan_schedule_store
from sahakorn.members.tests.factories import MemberFactory

_CODES = {"emergency": "TEM", "ordinary": "TOR", "special": "TSP"}


def system_user():
    user, _ = get_user_model().objects.get_or_create(username="loans-factory")
    return user


def loan_product(
    *, family: str = "ordinary", annual_rate: Decimal = Decimal("6.000"), code: str | None = None, **rules
) -> LoanProduct:
    """A test product of ``family`` (code T…), with one rules version from 2000-01-01."""
    code = code or _CODES[family]
    product, created = LoanProduct.objects.get_or_create(
        code=code, defaults={"name": f"ทดสอบ {family}", "family": family}
    )
    if created:
        LoanProductRules.objects.create(
            product=product,
            effective_from=dt.date(2000, 1, 1),
            annual_rate=annual_rate,
            max_amount=rules.pop("max_amount", Decimal("5000000.00")),
            max_installments=rules.pop("max_installments", 360),
            repayment_style=rules.pop("repayment_style", RepaymentStyle.EQUAL_INSTALLMENT),
            installment_rounding=rules.pop("installment_rounding", Rounding.TEN_BAHT_UP),
            interest_rounding=rules.pop("interest_rounding", Rounding.SATANG_HALF_UP),
            **rules,
        )
    return product


def contract_create(
    *,
    member=None,
    product: LoanProduct | None = None,
    family: str = "ordinary",
    amount: Decimal = Decimal("100000.00"),
    annual_rate: Decimal = Decimal("6.000"),
    installments: int = 12,
    disbursed_on: dt.date = dt.date(2026, 1, 1),
    first_due: dt.date | None = None,
    repayment_style: str = RepaymentStyle.EQUAL_INSTALLMENT,
    channel_role: str = "bank",
    by=None,
    number: str | None = None,
) -> LoanContract:
    """A disbursed contract: application (DISBURSED), contract, stored schedule, DISBURSEMENT row
    and its voucher (Dr loan_<family> member-linked / Cr ``channel_role``)."""
    by = by or system_user()
    member = member or MemberFactory()
    product = product or loan_product(family=family)
    first_due = first_due or calc.add_months(disbursed_on, 1)
    rounding = Rounding.SATANG_HALF_UP
    if repayment_style == RepaymentStyle.EQUAL_INSTALLMENT:
        rows = calc.schedule_equal_installment(
            amount=amount,
            annual_rate=annual_rate,
            first_due=first_due,
            installments=installments,
            disbursed_on=disbursed_on,
            interest_rounding=rounding,
        )
        installment_amount = rows[0].payment
    else:
        rows = calc.schedule_equal_principal(
            amount=amount,
            annual_rate=annual_rate,
            first_due=first_due,
            installments=installments,
            disbursed_on=disbursed_on,
            interest_rounding=rounding,
        )
        installment_amount = rows[0].principal
    application = LoanApplication.objects.create(
        member=member,
        product=product,
        amount=amount,
        installments=installments,
        applied_on=disbursed_on,
        status=ApplicationStatus.DISBURSED,
        requested_by=by,
    )
    number = number or f"T{LoanContract.objects.count() + 1:06d}"
    contract = LoanContract.objects.create(
        number=number,
        application=application,
        member=member,
        product=product,
        amount=amount,
        annual_rate=annual_rate,
        repayment_style=repayment_style,
        installments=installments,
        installment_amount=installment_amount,
        disbursed_on=disbursed_on,
        first_due=first_due,
        interest_paid_to=disbursed_on,
        principal_balance=amount,
    )
    LoanContractRate.objects.create(contract=contract, effective_from=disbursed_on, annual_rate=annual_rate)
    loan_schedule_store(contract=contract, rows=rows)
    entry = journal_entry_record(
        date=disbursed_on,
        description=f"จ่ายเงินกู้ สัญญา {number}",
        lines=[
            Line(account=product.gl_role, debit=amount, member_id=member.pk),
            Line(account=channel_role, credit=amount),
        ],
        source=EntrySource.LOANS,
        created_by=by,
    )
    LoanTransaction.objects.create(
        contract=contract,
        date=disbursed_on,
        kind=LoanTxKind.DISBURSEMENT,
        channel="bank",
        principal=amount,
        journal_entry=entry,
        created_by=by,
    )
    return contract
