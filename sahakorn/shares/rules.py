"""The coop's share rules (ระเบียบว่าด้วยหุ้น) as pure calculations and checks.

Everything here reads a ``ShareRules`` version and figures passed in, and returns a result or a
``RuleCheck`` (one line the officer and the approver see: the rule, the figure, pass or fail).
The services decide what to do with failed checks; the screens show them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from django.db.models import Prefetch

from sahakorn.core.money import ZERO, Rounding, baht, round_money
from sahakorn.core.rules import RuleCheck
from sahakorn.core.thai import format_be_date
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import MonthlyMethod, ShareBracket, ShareRules, Suspension, TableUnit

HUNDRED = Decimal(100)


def share_rules_for(*, on: dt.date) -> ShareRules:
    """The rules version in force on ``on`` (latest ``effective_from`` ≤ on), brackets prefetched."""
    rules = (
        ShareRules.objects.filter(effective_from__lte=on)
        .order_by("-effective_from")
        .prefetch_related(Prefetch("brackets", queryset=ShareBracket.objects.order_by("salary_up_to")))
        .first()
    )
    if rules is None:
        raise ShareError(f"ยังไม่มีระเบียบหุ้นที่มีผลในวันที่ {format_be_date(on)} (ตั้งค่าที่ ระเบียบหุ้น)")
    return rules


def shares_text(n: int) -> str:
    return f"{n:,} หุ้น"


def ceil_div(amount: Decimal, par: Decimal) -> int:
    """Whole shares needed to cover ``amount`` at ``par`` (a part share counts as a whole one)."""
    return math.ceil(amount / par)


def floor_div(amount: Decimal, par: Decimal) -> int:
    return math.floor(amount / par)


# ======== Monthly contribution (หุ้นรายเดือน) ========


@dataclass(frozen=True)
class MonthlyRequirement:
    """The least (and most) a member with a given salary must (may) buy each month."""

    min_shares: int
    min_amount: Decimal
    max_shares: int | None
    max_amount: Decimal | None
    explanation: str


def _sorted_brackets(rules: ShareRules) -> list[ShareBracket]:
    # The open top (no upper edge) sorts last whatever the database does with NULLs.
    return sorted(
        rules.brackets.all(),
        key=lambda b: (b.salary_up_to is None, b.salary_up_to if b.salary_up_to is not None else ZERO),
    )


def bracket_for(*, rules: ShareRules, salary: Decimal) -> ShareBracket:
    """The first bracket whose upper edge is at or above ``salary`` (edges are inclusive)."""
    for bracket in _sorted_brackets(rules):
        if bracket.salary_up_to is None or salary <= bracket.salary_up_to:
            return bracket
    raise ShareError(
        f"ตารางหุ้นรายเดือนของ{rules} ไม่มีขั้นสำหรับเงินเดือน {baht(salary)} บาท (ขั้นสุดท้ายต้องเว้นว่าง = ขึ้นไป)"
    )


def monthly_requirement(*, rules: ShareRules, salary: Decimal) -> MonthlyRequirement:
    """The monthly shares the rules require for ``salary`` (and allow at most), with a Thai explanation.

    TABLE in shares: the bracket's value; TABLE in baht: the value, in whole shares rounded up;
    PERCENT: salary × percent, rounded by the rules' named rounding, in shares rounded up. A
    member without salary pays the floor. The maximum (a percent of salary) is never below the minimum.
    """
    par = rules.par_value
    if salary <= 0:
        min_amount = rules.monthly_floor_no_salary
        min_shares = ceil_div(min_amount, par)
        why = f"ไม่มีเงินเดือน: ขั้นต่ำสำหรับผู้ไม่มีเงินเดือน {baht(min_amount)} บาท = {shares_text(min_shares)}"
    elif rules.monthly_method == MonthlyMethod.PERCENT:
        if rules.monthly_min_percent is None:
            raise ShareError(f"{rules} กำหนดหุ้นรายเดือนเป็นร้อยละแต่ไม่ได้ระบุร้อยละขั้นต่ำ")
        exact = salary * rules.monthly_min_percent / HUNDRED
        min_amount = round_money(exact, rules.monthly_percent_rounding)
        min_shares = ceil_div(min_amount, par)
        why = (
            f"เงินเดือน {baht(salary)} บาท × ร้อยละ {rules.monthly_min_percent} = {baht(round_money(exact))} บาท "
            f"{Rounding(rules.monthly_percent_rounding).label_th} = {baht(min_amount)} บาท: "
            f"ขั้นต่ำ {shares_text(min_shares)}"
        )
    else:
        bracket = bracket_for(rules=rules, salary=salary)
        edge = (
            f"อยู่ในขั้นไม่เกิน {baht(bracket.salary_up_to)} บาท"
            if bracket.salary_up_to is not None
            else "อยู่ในขั้นสูงสุด"
        )
        if rules.table_unit == TableUnit.BAHT:
            min_amount = bracket.value
            min_shares = ceil_div(min_amount, par)
            figure = f"{baht(min_amount)} บาท = {shares_text(min_shares)}"
        else:
            min_shares = math.ceil(bracket.value)
            min_amount = min_shares * par
            figure = f"{min_shares:,} หุ้น ({baht(min_amount)} บาท)"
        why = f"เงินเดือน {baht(salary)} บาท {edge}: ขั้นต่ำ {figure}"

    max_shares = max_amount = None
    if rules.monthly_max_percent is not None and salary > 0:
        cap = salary * rules.monthly_max_percent / HUNDRED
        max_shares = max(floor_div(cap, par), min_shares)
        max_amount = max_shares * par
        why += f" สูงสุดร้อยละ {rules.monthly_max_percent} ของเงินเดือน = {shares_text(max_shares)}"
    return MonthlyRequirement(
        min_shares=min_shares,
        min_amount=min_amount,
        max_shares=max_shares,
        max_amount=max_amount,
        explanation=why,
    )


# ======== Rule checks ========


def holding_percent(*, member_shares: int, total_shares: int, ratio: Decimal) -> Decimal:
    """``member_shares`` of ``total_shares`` as a percent to 2 places, half up.

    A holding above the cap is never shown at or below it: 20,001 of 100,000 shares at 1/5 is
    20.01, not 20.00 (the refusal would otherwise name a figure within the cap).
    """
    if total_shares <= 0:
        return ZERO
    exact = Decimal(member_shares) * HUNDRED / Decimal(total_shares)
    shown = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    cap = ratio * HUNDRED
    if exact > cap >= shown:
        shown = exact.quantize(Decimal("0.01"), rounding=ROUND_UP)
    return shown


def holding_cap_check(
    *, member_shares_after: int, total_shares_after: int, holders_after: int, rules: ShareRules
) -> RuleCheck:
    """Cooperatives Act s.33(3): a member holds at most ``holding_cap_ratio`` of all paid-up shares.

    All figures are after the movement being checked (``holders_after``: members holding shares,
    the acquirer included); the comparison is exact (no rounding), so 20 of 100 shares passes at
    1/5 and 21 of 104 does not. Below ``holding_cap_min_holders`` holders (a newly founded coop)
    the cap is not applied: the check passes and says why.
    """
    ratio = rules.holding_cap_ratio
    limit = ratio * total_shares_after
    percent = holding_percent(member_shares=member_shares_after, total_shares=total_shares_after, ratio=ratio)
    figure = (
        f"หลังรายการถือ {shares_text(member_shares_after)} จากหุ้นทั้งหมด {shares_text(total_shares_after)} "
        f"= ร้อยละ {percent} (ถือได้ไม่เกิน {limit.normalize():,f} หุ้น)"
    )
    rule = f"ถือหุ้นได้ไม่เกิน {ratio.normalize():f} ของหุ้นที่ชำระแล้วทั้งหมด (พ.ร.บ.สหกรณ์ มาตรา 33(3))"
    threshold = rules.holding_cap_min_holders
    if holders_after < threshold:
        return RuleCheck(
            rule=rule,
            figure=figure,
            passed=True,
            message=(
                f"ผ่าน: ยังไม่ใช้เพดาน หลังรายการมีสมาชิกถือหุ้น {holders_after:,} คน "
                f"น้อยกว่า {threshold:,} คนตามระเบียบ (สหกรณ์ตั้งใหม่)"
            ),
        )
    passed = Decimal(member_shares_after) <= limit
    return RuleCheck(
        rule=rule,
        figure=figure,
        passed=passed,
        message="ผ่าน" if passed else "เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน",
    )


def par_multiple_check(*, amount: Decimal, rules: ShareRules) -> RuleCheck:
    passed = amount > 0 and amount % rules.par_value == 0
    return RuleCheck(
        rule=f"ซื้อหุ้นเป็นจำนวนเต็มหุ้น หุ้นละ {baht(rules.par_value)} บาท",
        figure=f"{baht(amount)} บาท",
        passed=passed,
        message="ผ่าน" if passed else f"จำนวนเงินต้องเป็นทวีคูณของ {baht(rules.par_value)} บาท",
    )


def extra_purchase_max_check(*, amount: Decimal, rules: ShareRules) -> RuleCheck:
    limit = rules.max_extra_purchase
    passed = limit is None or amount <= limit
    return RuleCheck(
        rule=(f"ซื้อหุ้นเพิ่มได้ไม่เกิน {baht(limit)} บาทต่อครั้ง" if limit is not None else "ซื้อหุ้นเพิ่มได้ไม่จำกัดต่อครั้ง"),
        figure=f"{baht(amount)} บาท",
        passed=passed,
        message="ผ่าน" if passed else "เกินจำนวนที่ซื้อเพิ่มได้ต่อครั้ง",
    )


def initial_minimum_check(*, shares: int, rules: ShareRules) -> RuleCheck:
    passed = shares >= rules.min_initial_shares
    return RuleCheck(
        rule=f"หุ้นแรกเข้าอย่างน้อย {shares_text(rules.min_initial_shares)}",
        figure=shares_text(shares),
        passed=passed,
        message="ผ่าน" if passed else "น้อยกว่าหุ้นแรกเข้าขั้นต่ำ",
    )


def monthly_amount_checks(*, to_shares: int, requirement: MonthlyRequirement) -> list[RuleCheck]:
    checks = [
        RuleCheck(
            rule=f"หุ้นรายเดือนขั้นต่ำ {shares_text(requirement.min_shares)}",
            figure=shares_text(to_shares),
            passed=to_shares >= requirement.min_shares,
            message=requirement.explanation if to_shares < requirement.min_shares else "ผ่าน",
        )
    ]
    if requirement.max_shares is not None:
        checks.append(
            RuleCheck(
                rule=f"หุ้นรายเดือนสูงสุด {shares_text(requirement.max_shares)}",
                figure=shares_text(to_shares),
                passed=to_shares <= requirement.max_shares,
                message="ผ่าน" if to_shares <= requirement.max_shares else "เกินหุ้นรายเดือนสูงสุดตามเงินเดือน",
            )
        )
    return checks


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (15 Jan → 14 Mar is 1, → 15 Mar is 2)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def suspension_checks(
    *,
    rules: ShareRules,
    suspension: str,
    joined_on: dt.date,
    on: dt.date,
    balance_amount: Decimal,
    debts_total: Decimal,
    current_suspension: str = "",
) -> list[RuleCheck]:
    """May this member stop monthly contributions (งดส่งค่าหุ้น) from ``on``?

    Eligible by seniority OR by share balance (whichever the rules set; neither set = anyone),
    and, when the rules say so, only while debts are below the shares.
    """
    checks: list[RuleCheck] = []
    kinds = {
        Suspension.TEMPORARY: (rules.suspension_allow_temporary, "งดส่งชั่วคราว (1 เดือน)"),
        Suspension.PERMANENT: (rules.suspension_allow_permanent, "งดส่งถาวร"),
    }
    allowed, label = kinds.get(suspension, (False, suspension or "-"))
    checks.append(
        RuleCheck(
            rule="ระเบียบอนุญาตแบบการงดส่งนี้",
            figure=label,
            passed=allowed,
            message="ผ่าน" if allowed else f"ระเบียบไม่อนุญาต{label}",
        )
    )
    if current_suspension == Suspension.PERMANENT:
        checks.append(
            RuleCheck(
                rule="ยังไม่ได้งดส่งถาวรอยู่แล้ว",
                figure="งดส่งถาวรอยู่แล้ว",
                passed=False,
                message="สมาชิกงดส่งค่าหุ้นถาวรอยู่แล้ว",
            )
        )
    months = months_between(joined_on, on)
    by_months = rules.suspension_min_months is not None and months >= rules.suspension_min_months
    by_balance = rules.suspension_min_balance is not None and balance_amount >= rules.suspension_min_balance
    conditions = []
    if rules.suspension_min_months is not None:
        conditions.append(f"เป็นสมาชิกอย่างน้อย {rules.suspension_min_months:,} เดือน")
    if rules.suspension_min_balance is not None:
        conditions.append(f"มีทุนเรือนหุ้นอย่างน้อย {baht(rules.suspension_min_balance)} บาท")
    eligible = by_months or by_balance or not conditions
    checks.append(
        RuleCheck(
            rule=" หรือ ".join(conditions) if conditions else "ไม่มีเงื่อนไขอายุสมาชิกหรือยอดหุ้น",
            figure=f"เป็นสมาชิก {months:,} เดือน ทุนเรือนหุ้น {baht(balance_amount)} บาท",
            passed=eligible,
            message="ผ่าน" if eligible else "อายุการเป็นสมาชิกและทุนเรือนหุ้นยังไม่ถึงเกณฑ์งดส่ง",
        )
    )
    if rules.suspension_requires_debt_below_shares:
        below = debts_total < balance_amount
        checks.append(
            RuleCheck(
                rule="หนี้ต้องน้อยกว่าทุนเรือนหุ้น",
                figure=f"หนี้ {baht(debts_total)} บาท ทุนเรือนหุ้น {baht(balance_amount)} บาท",
                passed=below,
                message="ผ่าน" if below else "หนี้ไม่น้อยกว่าทุนเรือนหุ้น งดส่งไม่ได้",
            )
        )
    return checks


def default_check(
    *, rules: ShareRules, missed: Iterable[dt.date], fiscal_year: tuple[dt.date, dt.date]
) -> RuleCheck:
    """Has the member defaulted (ขาดส่งค่าหุ้น)? ``missed`` are the first days of months not paid.

    Defaulted when ``default_consecutive_months`` missed months run back to back, or when
    ``default_months_per_year`` of them fall in the fiscal year ``fiscal_year`` (first, last day).
    """
    months = sorted({m.replace(day=1) for m in missed})
    longest = run = 0
    previous: dt.date | None = None
    for month in months:
        follows = (
            previous is not None
            and (month.year * 12 + month.month) - (previous.year * 12 + previous.month) == 1
        )
        run = run + 1 if follows else 1
        longest = max(longest, run)
        previous = month
    in_year = sum(1 for m in months if fiscal_year[0] <= m <= fiscal_year[1])
    by_run = rules.default_consecutive_months > 0 and longest >= rules.default_consecutive_months
    by_year = rules.default_months_per_year > 0 and in_year >= rules.default_months_per_year
    defaulted = by_run or by_year
    return RuleCheck(
        rule=(
            f"ขาดส่งติดต่อกันไม่เกิน {rules.default_consecutive_months - 1} เดือน "
            f"และรวมไม่เกิน {rules.default_months_per_year - 1} เดือนในปีบัญชี"
        ),
        figure=f"ขาดส่งติดต่อกันสูงสุด {longest} เดือน รวมในปีบัญชี {in_year} เดือน",
        passed=not defaulted,
        message="ผ่าน" if not defaulted else "ขาดส่งค่าหุ้นถึงเกณฑ์ผิดนัดตามระเบียบ",
    )


# ======== Rules versions: what a new version must satisfy ========

RULE_FIELDS = (
    "par_value",
    "min_initial_shares",
    "entrance_fee",
    "max_extra_purchase",
    "holding_cap_ratio",
    "holding_cap_min_holders",
    "monthly_method",
    "table_unit",
    "monthly_min_percent",
    "monthly_percent_rounding",
    "monthly_max_percent",
    "monthly_floor_no_salary",
    "default_consecutive_months",
    "default_months_per_year",
    "suspension_min_months",
    "suspension_min_balance",
    "suspension_requires_debt_below_shares",
    "suspension_allow_temporary",
    "suspension_allow_permanent",
    "withdrawal_settles_debts",
    "transfer_allowed",
)


def rules_field_problems(values: dict) -> dict[str, str]:
    """Field → Thai message for the settings of a new version that cannot work."""
    errors: dict[str, str] = {}
    par = values.get("par_value")
    if par is None or par <= 0:
        errors["par_value"] = "มูลค่าหุ้นต้องมากกว่า 0"
    for name in ("entrance_fee", "monthly_floor_no_salary"):
        if values.get(name) is not None and values[name] < 0:
            errors[name] = "จำนวนเงินติดลบไม่ได้"
    if values.get("max_extra_purchase") is not None and values["max_extra_purchase"] <= 0:
        errors["max_extra_purchase"] = "ต้องมากกว่า 0 หรือเว้นว่าง (ไม่จำกัด)"
    ratio = values.get("holding_cap_ratio")
    if ratio is None or not (0 < ratio <= 1):
        errors["holding_cap_ratio"] = "สัดส่วนต้องมากกว่า 0 และไม่เกิน 1 (1/5 = 0.2000)"
    holders = values.get("holding_cap_min_holders")
    if holders is None or holders < 1:
        errors["holding_cap_min_holders"] = "ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป (1 = ตรวจเพดานทุกรายการ)"
    for name in ("monthly_min_percent", "monthly_max_percent"):
        pct = values.get(name)
        if pct is not None and not (0 < pct <= 100):
            errors[name] = "ร้อยละต้องมากกว่า 0 และไม่เกิน 100"
    if values.get("monthly_method") == MonthlyMethod.PERCENT and values.get("monthly_min_percent") is None:
        errors["monthly_min_percent"] = "กำหนดหุ้นรายเดือนเป็นร้อยละต้องระบุร้อยละขั้นต่ำ"
    low, high = values.get("monthly_min_percent"), values.get("monthly_max_percent")
    if low is not None and high is not None and high < low and "monthly_max_percent" not in errors:
        errors["monthly_max_percent"] = "ร้อยละสูงสุดต้องไม่น้อยกว่าร้อยละขั้นต่ำ"
    if values.get("monthly_percent_rounding") not in {r.value for r in Rounding}:
        errors["monthly_percent_rounding"] = "ไม่รู้จักวิธีปัดเศษนี้"
    if values.get("monthly_method") not in MonthlyMethod.values:
        errors["monthly_method"] = "ไม่รู้จักวิธีกำหนดหุ้นรายเดือนนี้"
    if values.get("table_unit") not in TableUnit.values:
        errors["table_unit"] = "ไม่รู้จักหน่วยของตารางนี้"
    if not values.get("suspension_allow_temporary") and not values.get("suspension_allow_permanent"):
        pass  # a coop may forbid suspension altogether
    return errors


def bracket_problems(brackets: list[tuple[Decimal | None, Decimal]], *, required: bool) -> str | None:
    """A Thai message when the salary table cannot place every salary exactly once, else None."""
    if not brackets:
        return "ต้องมีตารางหุ้นรายเดือนอย่างน้อยหนึ่งขั้น (ขั้นสุดท้ายเว้นว่าง = ขึ้นไป)" if required else None
    edges = [upto for upto, _ in brackets]
    if edges.count(None) != 1 or edges[-1] is not None:
        return "ขั้นสุดท้ายของตารางต้องเว้นว่างเงินเดือน (= ขึ้นไป) และมีได้ขั้นเดียว"
    closed = edges[:-1]
    if any(upto <= 0 for upto in closed):
        return "เงินเดือนของแต่ละขั้นต้องมากกว่า 0"
    if any(b <= a for a, b in zip(closed, closed[1:], strict=False)):
        return "เงินเดือนของแต่ละขั้นต้องเรียงจากน้อยไปมากและไม่ซ้ำกัน"
    if any(value <= 0 for _, value in brackets):
        return "หุ้นรายเดือนขั้นต่ำของแต่ละขั้นต้องมากกว่า 0"
    return None


def contribution_default_check(*, account, as_of: dt.date) -> RuleCheck:
    """``default_check`` for one share account: the months from the one after opening up to the
    month before ``as_of`` with no monthly contribution, outside suspensions, in the fiscal year of ``as_of``."""
    from sahakorn.core.selectors import coop_profile_get
    from sahakorn.ledger.services import fiscal_year_bounds
    from sahakorn.shares.models import ShareTransaction, TransactionKind

    paid = set(
        ShareTransaction.objects.filter(
            account=account, kind=TransactionKind.MONTHLY, reversed_by__isnull=True
        ).values_list("period", flat=True)
    )
    month = _next_month(account.opened_on.replace(day=1))
    last = as_of.replace(day=1)
    missed = []
    while month < last:
        suspended = (
            account.suspension
            and account.suspended_from is not None
            and account.suspended_from <= month
            and (account.suspended_until is None or month <= account.suspended_until)
        )
        if month not in paid and not suspended:
            missed.append(month)
        month = _next_month(month)
    rules = share_rules_for(on=as_of)
    fiscal_year = fiscal_year_bounds(on=as_of, start_month=coop_profile_get().fiscal_year_start_month)
    return default_check(rules=rules, missed=missed, fiscal_year=fiscal_year)


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
