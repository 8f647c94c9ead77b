"""The coop's loan rules (ระเบียบเงินกู้) as checks: each returns a ``RuleCheck`` row (the rule, the figure,
pass or fail, a Thai message) that the officer, the approver and the member see.

The eligibility checks are pure: they read a ``LoanProductRules`` version and the member's figures
(``MemberFacts``). The guarantor checks read the guarantors' other guarantees from the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch, Q, Sum

from sahakorn.core.money import ZERO, Rounding, baht, round_money
from sahakorn.core.months import add_months
from sahakorn.core.rules import PASSED, RuleCheck
from sahakorn.core.thai import format_be_date
from sahakorn.loans.calc import level_payment
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    Guarantee,
    GuaranteeRules,
    GuarantorBand,
    LoanApplication,
    LoanContract,
    LoanProduct,
    LoanProductRules,
    RepaymentStyle,
)
from sahakorn.members.models import Member, MemberStatus, MemberType

HUNDRED = Decimal(100)


def pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def floor_satang(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _row(rule: str, figure: str, passed: bool, failure: str) -> RuleCheck:
    return RuleCheck(rule=rule, figure=figure, passed=passed, message=PASSED if passed else failure)


# ======== Versions in force ========


def loan_rules_for(*, product: LoanProduct, on: dt.date) -> LoanProductRules:
    """The product's rules version in force on ``on`` (latest ``effective_from`` ≤ on), bands prefetched."""
    rules = (
        LoanProductRules.objects.filter(product=product, effective_from__lte=on)
        .order_by("-effective_from")
        .prefetch_related(Prefetch("guarantor_bands", queryset=GuarantorBand.objects.all()))
        .first()
    )
    if rules is None:
        raise LoanError(f"ประเภทเงินกู้ {product} ยังไม่มีหลักเกณฑ์ที่มีผลในวันที่ {format_be_date(on)}")
    return rules


def guarantee_rules_for(*, on: dt.date) -> GuaranteeRules:
    rules = GuaranteeRules.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if rules is None:
        raise LoanError(f"ยังไม่มีระเบียบการค้ำประกันที่มีผลในวันที่ {format_be_date(on)}")
    return rules


# ======== Figures ========


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (1 Jan → 1 Jul is 6; 31 Jan → 28 Feb is 1, as add_months)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def age_text(birth: dt.date, on: dt.date) -> str:
    months = full_months(birth, on)
    return f"{months // 12} ปี {months % 12} เดือน"


def first_due_after(on: dt.date) -> dt.date:
    """The first due date an application on ``on`` would get: the end of the next month (payroll deduction)."""
    from sahakorn.loans.calc import month_end

    return month_end(add_months(on.replace(day=1), 1))


def installment_estimate(*, rules: LoanProductRules, amount: Decimal, installments: int) -> Decimal:
    """The monthly deduction a new loan adds: the level payment (คงยอด), or the first installment of
    an equal-principal loan (คงต้น) on an even month: principal part + one month's interest."""
    if amount <= 0 or installments < 1:
        return ZERO
    if rules.repayment_style == RepaymentStyle.EQUAL_INSTALLMENT:
        return level_payment(
            amount=amount,
            annual_rate=rules.annual_rate,
            installments=installments,
            rounding=rules.installment_rounding,
        )
    principal = round_money(amount / installments, rules.installment_rounding)
    return min(principal, amount) + round_money(amount * rules.annual_rate / 1200, rules.interest_rounding)


def contract_monthly_deduction(contract: LoanContract) -> Decimal:
    """What an active contract takes from pay each month (คงต้น: principal part + a month's interest)."""
    if contract.repayment_style == RepaymentStyle.EQUAL_INSTALLMENT:
        return contract.installment_amount
    return min(contract.installment_amount, contract.principal_balance) + round_money(
        contract.principal_balance * contract.annual_rate / 1200
    )


@dataclass(frozen=True)
class MemberFacts:
    """The member's figures the eligibility rules read, gathered on one day."""

    member: Member
    on: dt.date
    salary: Decimal
    shares: Decimal
    deposits: Decimal
    monthly_shares: Decimal
    other_installments: Decimal  # existing loans' monthly deductions (not the one refinanced)
    # Installments missed over all the member's contracts in the fiscal year of ``on`` (``arrears``)
    missed_installments: int = 0


# ======== Eligibility checks ========


def member_checks(*, rules: LoanProductRules, facts: MemberFacts) -> list[RuleCheck]:
    member, on = facts.member, facts.on
    checks = [
        _row(
            "ผู้กู้ต้องเป็นสมาชิกที่มีสถานะปกติ",
            member.get_status_display(),
            member.status == MemberStatus.ACTIVE,
            "สมาชิกไม่ได้อยู่ในสถานะปกติ",
        )
    ]
    allowed = [t.strip() for t in rules.member_types.split(",") if t.strip()]
    labels = ", ".join(MemberType(t).label for t in allowed if t in MemberType.values)
    checks.append(
        _row(
            f"ประเภทสมาชิกที่กู้ได้: {labels}",
            member.get_member_type_display(),
            member.member_type in allowed,
            "ประเภทสมาชิกนี้กู้ประเภทนี้ไม่ได้",
        )
    )
    if rules.min_membership_months is not None:
        months = full_months(member.joined_on, on)
        checks.append(
            _row(
                f"เป็นสมาชิกอย่างน้อย {rules.min_membership_months} เดือน",
                f"เป็นสมาชิกตั้งแต่ {format_be_date(member.joined_on)} ({months} เดือน)",
                months >= rules.min_membership_months,
                "ระยะเวลาเป็นสมาชิกยังไม่ครบ",
            )
        )
    if rules.max_missed_installments is not None:
        checks.append(
            _row(
                "ขาดชำระค่างวดในปีบัญชี",
                f"{facts.missed_installments} งวด (ไม่เกิน {rules.max_missed_installments} งวด)",
                facts.missed_installments <= rules.max_missed_installments,
                "ขาดชำระค่างวดในปีบัญชีเกินที่กำหนด",
            )
        )
    return checks


def amount_checks(
    *, rules: LoanProductRules, facts: MemberFacts, amount: Decimal, installments: int, first_due: dt.date
) -> list[RuleCheck]:
    """Every rule that depends on the amount and the installments, each at its edge (≤ passes)."""
    checks = [
        _row(
            f"วงเงินกู้สูงสุด {baht(rules.max_amount)} บาท",
            f"ขอกู้ {baht(amount)} บาท",
            0 < amount <= rules.max_amount,
            "เกินวงเงินกู้สูงสุดของประเภทเงินกู้",
        ),
        _row(
            f"ผ่อนได้ไม่เกิน {rules.max_installments} งวด",
            f"{installments} งวด",
            1 <= installments <= rules.max_installments,
            "จำนวนงวดเกินที่กำหนด",
        ),
    ]
    if rules.salary_multiple is not None:
        limit = facts.salary * rules.salary_multiple
        checks.append(
            _row(
                f"กู้ได้ไม่เกิน {pct(rules.salary_multiple)} เท่าของเงินเดือน",
                f"เงินเดือน {baht(facts.salary)} × {pct(rules.salary_multiple)} = {baht(limit)} บาท",
                amount <= limit,
                "เกินจำนวนเท่าของเงินเดือน",
            )
        )
    if rules.min_share_percent is not None:
        need = round_money(amount * rules.min_share_percent / HUNDRED, Rounding.SATANG_UP)
        checks.append(
            _row(
                f"ต้องมีทุนเรือนหุ้นอย่างน้อยร้อยละ {pct(rules.min_share_percent)} ของเงินกู้",
                f"มีหุ้น {baht(facts.shares)} บาท ต้องมี {baht(need)} บาท",
                facts.shares >= need,
                "ทุนเรือนหุ้นไม่ถึงร้อยละที่กำหนดของเงินกู้",
            )
        )
    if rules.own_funds_percent is not None:
        own = facts.shares + facts.deposits
        limit = floor_satang(own * rules.own_funds_percent / HUNDRED)
        checks.append(
            _row(
                f"กู้ได้ไม่เกินร้อยละ {pct(rules.own_funds_percent)} ของหุ้นและเงินฝากของตนเอง",
                f"หุ้น {baht(facts.shares)} + เงินฝาก {baht(facts.deposits)} = {baht(own)} บาท "
                f"กู้ได้ไม่เกิน {baht(limit)} บาท",
                amount <= limit,
                "เกินร้อยละของหุ้นและเงินฝาก",
            )
        )
    if rules.net_pay_min_percent is not None or rules.net_pay_min_amount is not None:
        new = installment_estimate(rules=rules, amount=amount, installments=installments)
        deductions = facts.monthly_shares + facts.other_installments + new
        net = facts.salary - deductions
        floor = net_pay_floor(rules=rules, salary=facts.salary)
        parts = []
        if rules.net_pay_min_percent is not None:
            parts.append(f"ร้อยละ {pct(rules.net_pay_min_percent)} ของเงินเดือน")
        if rules.net_pay_min_amount is not None:
            parts.append(f"{baht(rules.net_pay_min_amount)} บาท")
        checks.append(
            _row(
                "เงินเดือนคงเหลือหลังหักทุกรายการต้องไม่น้อยกว่า " + " และ ".join(parts),
                f"เงินเดือน {baht(facts.salary)} − หุ้นรายเดือน {baht(facts.monthly_shares)} − "
                f"ค่างวดเงินกู้เดิม {baht(facts.other_installments)} − ค่างวดใหม่ {baht(new)} "
                f"= {baht(net)} บาท (ต้องเหลืออย่างน้อย {baht(floor)} บาท)",
                net >= floor,
                "เงินเดือนคงเหลือไม่พอ",
            )
        )
    if rules.max_age_at_end is not None:
        member = facts.member
        last_due = add_months(first_due, installments - 1)
        limit_day = add_months(member.birth_date, 12 * rules.max_age_at_end)
        checks.append(
            _row(
                f"อายุเมื่อผ่อนงวดสุดท้ายไม่เกิน {rules.max_age_at_end} ปี",
                f"งวดสุดท้าย {format_be_date(last_due)} อายุ {age_text(member.birth_date, last_due)}",
                last_due <= limit_day,
                "อายุเมื่อผ่อนงวดสุดท้ายเกินที่กำหนด",
            )
        )
    return checks


def net_pay_floor(*, rules: LoanProductRules, salary: Decimal) -> Decimal:
    floor = ZERO
    if rules.net_pay_min_percent is not None:
        floor = max(floor, round_money(salary * rules.net_pay_min_percent / HUNDRED, Rounding.SATANG_UP))
    if rules.net_pay_min_amount is not None:
        floor = max(floor, rules.net_pay_min_amount)
    return floor


def refinance_check(*, amount: Decimal, payoff: Decimal, contract_number: str) -> RuleCheck:
    return _row(
        f"เงินกู้ใหม่ต้องพอหักกลบหนี้สัญญาเดิม {contract_number}",
        f"ขอกู้ {baht(amount)} บาท ยอดปิดสัญญาเดิม {baht(payoff)} บาท",
        amount >= payoff,
        "เงินกู้ใหม่ไม่พอหักกลบหนี้สัญญาเดิม",
    )


# ======== Guarantors ========


def guarantors_required(*, rules: LoanProductRules, amount: Decimal) -> int:
    bands = sorted(
        rules.guarantor_bands.all(),
        key=lambda b: (b.amount_up_to is None, b.amount_up_to if b.amount_up_to is not None else ZERO),
    )
    for band in bands:
        if band.amount_up_to is None or amount <= band.amount_up_to:
            return band.guarantors
    return 0


def _live_guarantees(guarantor: Member, *, exclude_application: int | None, exclude_contract: int | None):
    """The guarantor's guarantees still in force: on active contracts, or on applications not yet disbursed."""
    qs = Guarantee.objects.filter(guarantor=guarantor, ended_on__isnull=True).filter(
        Q(contract__status=ContractStatus.ACTIVE)
        | Q(
            contract__isnull=True,
            application__status__in=[ApplicationStatus.PENDING, ApplicationStatus.APPROVED],
        )
    )
    if exclude_application is not None:
        qs = qs.exclude(application_id=exclude_application)
    if exclude_contract is not None:
        qs = qs.exclude(contract_id=exclude_contract)
    return qs


def guaranteed_amount(guarantees) -> Decimal:
    contracts = guarantees.filter(contract__isnull=False).aggregate(s=Sum("contract__principal_balance"))["s"]
    pending = guarantees.filter(contract__isnull=True).aggregate(s=Sum("application__amount"))["s"]
    return (contracts or ZERO) + (pending or ZERO)


def guarantor_checks(
    *,
    product_rules: LoanProductRules,
    amount: Decimal,
    borrower: Member,
    guarantors: Sequence[Member],
    on: dt.date,
    required: int | None = None,
    exclude_application: LoanApplication | None = None,
    exclude_contract: LoanContract | None = None,
) -> list[RuleCheck]:
    """The count by band, then each guarantor: active, allowed type, tenure, not the borrower, not twice,
    under the contracts (and amount) limit. ``required`` overrides the band count (a replacement: 1)."""
    rules = guarantee_rules_for(on=on)
    checks: list[RuleCheck] = []
    if required is None:
        required = guarantors_required(rules=product_rules, amount=amount)
        checks.append(
            _row(
                f"วงเงิน {baht(amount)} บาท ต้องมีผู้ค้ำอย่างน้อย {required} คน",
                f"มีผู้ค้ำ {len(guarantors)} คน",
                len(guarantors) >= required,
                "จำนวนผู้ค้ำไม่ครบตามวงเงิน",
            )
        )
    allowed = [t.strip() for t in rules.member_types.split(",") if t.strip()]
    labels = ", ".join(MemberType(t).label for t in allowed if t in MemberType.values)
    seen: set[int] = set()
    for g in guarantors:
        who = f"ผู้ค้ำ {g.number} {g.full_name}"
        checks.append(_row("ผู้ค้ำต้องไม่ใช่ผู้กู้", who, g.pk != borrower.pk, "ผู้กู้ค้ำประกันตนเองไม่ได้"))
        checks.append(_row("ผู้ค้ำแต่ละคนระบุได้ครั้งเดียว", who, g.pk not in seen, "ระบุผู้ค้ำซ้ำ"))
        seen.add(g.pk)
        checks.append(
            _row(
                "ผู้ค้ำต้องเป็นสมาชิกที่มีสถานะปกติ",
                f"{who}: {g.get_status_display()}",
                g.status == MemberStatus.ACTIVE,
                "ผู้ค้ำไม่ได้อยู่ในสถานะปกติ",
            )
        )
        checks.append(
            _row(
                f"ประเภทสมาชิกที่ค้ำได้: {labels}",
                f"{who}: {g.get_member_type_display()}",
                g.member_type in allowed,
                "ประเภทสมาชิกนี้ค้ำประกันไม่ได้",
            )
        )
        if rules.forbid_spouse:
            spouses = bool(
                borrower.spouse_national_id and g.national_id == borrower.spouse_national_id
            ) or bool(g.spouse_national_id and g.spouse_national_id == borrower.national_id)
            checks.append(
                _row(
                    "ผู้ค้ำต้องไม่ใช่คู่สมรสของผู้กู้ (ระเบียบห้ามคู่สมรสค้ำ)",
                    f"{who}: {'เป็นคู่สมรสของผู้กู้' if spouses else 'ไม่ใช่คู่สมรสของผู้กู้'}",
                    not spouses,
                    "คู่สมรสของผู้กู้ค้ำประกันไม่ได้",
                )
            )
        months = full_months(g.joined_on, on)
        checks.append(
            _row(
                f"ผู้ค้ำเป็นสมาชิกอย่างน้อย {rules.min_membership_months} เดือน",
                f"{who}: เป็นสมาชิก {months} เดือน",
                months >= rules.min_membership_months,
                "ผู้ค้ำเป็นสมาชิกยังไม่ครบระยะเวลา",
            )
        )
        live = _live_guarantees(
            g,
            exclude_application=exclude_application.pk if exclude_application else None,
            exclude_contract=exclude_contract.pk if exclude_contract else None,
        )
        count = live.count()
        checks.append(
            _row(
                f"ผู้ค้ำหนึ่งคนค้ำได้ไม่เกิน {rules.max_contracts_per_guarantor} สัญญา",
                f"{who}: ค้ำอยู่ {count} สัญญา รวมสัญญานี้เป็น {count + 1} สัญญา",
                count + 1 <= rules.max_contracts_per_guarantor,
                "ผู้ค้ำค้ำประกันครบจำนวนสัญญาแล้ว",
            )
        )
        if rules.max_amount_per_guarantor is not None:
            total = guaranteed_amount(live) + amount
            checks.append(
                _row(
                    f"ผู้ค้ำหนึ่งคนค้ำรวมได้ไม่เกิน {baht(rules.max_amount_per_guarantor)} บาท",
                    f"{who}: รวมสัญญานี้ {baht(total)} บาท",
                    total <= rules.max_amount_per_guarantor,
                    "ยอดค้ำประกันรวมเกินที่กำหนด",
                )
            )
    return checks
