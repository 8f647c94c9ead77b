"""Share capital (ทุนเรือนหุ้น): the coop's rules, each member's share account, and its transactions.

The transactions are the sub-ledger: every one links to the journal entry that posted it, the
share-capital control account equals their sum (``sahakorn shares check`` proves it), and they
are never updated or deleted; a correction is a reversal.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from sahakorn.core.approvals import MakerChecker
from sahakorn.core.money import MoneyField, Rounding


class MonthlyMethod(models.TextChoices):
    TABLE = "table", "ตามตารางเงินเดือน"
    PERCENT = "percent", "ร้อยละของเงินเดือน"


class TableUnit(models.TextChoices):
    SHARES = "shares", "จำนวนหุ้น"
    BAHT = "baht", "จำนวนเงิน (บาท)"


class ShareRules(models.Model):
    """One version of the coop's share rules (ระเบียบว่าด้วยหุ้น), in force from ``effective_from``.

    Versions are never edited: a change is a new version with its own date, so any past
    figure can be recomputed with the rules that applied then, and the versions are the audit
    trail (who, when, why).

    The 1/5 holding cap (``holding_cap_ratio``, Cooperatives Act s.33(3)) is checked on every
    way a member acquires shares (initial and extra purchase, monthly contribution, receiving a
    transfer) once at least ``holding_cap_min_holders`` members hold shares after the movement.
    A newly founded coop enters its first members one at a time, and the first would otherwise
    hold 100% of the shares: with fewer holders than 1 ÷ the ratio (5 at 1/5) someone must hold
    more than the ratio, so the cap cannot be met and is not applied. The threshold counts
    holders, not baht or shares, because that is what decides whether the cap can be met at
    all, whatever the par value or the size of the first purchases.
    """

    effective_from = models.DateField("มีผลตั้งแต่", unique=True)
    par_value = MoneyField("มูลค่าหุ้นละ (บาท)", validators=[MinValueValidator(1)])
    min_initial_shares = models.PositiveIntegerField("หุ้นแรกเข้าขั้นต่ำ (หุ้น)", default=1)
    entrance_fee = MoneyField("ค่าธรรมเนียมแรกเข้า (บาท)", default=0)
    max_extra_purchase = MoneyField(
        "ซื้อหุ้นเพิ่มได้สูงสุดต่อครั้ง (บาท)", null=True, blank=True, help_text="เว้นว่าง = ไม่จำกัด"
    )
    # Cooperatives Act s.33(3): no member may hold more than one fifth of all paid-up shares.
    holding_cap_ratio = models.DecimalField(
        "ถือหุ้นได้ไม่เกินสัดส่วนของหุ้นทั้งหมด", max_digits=5, decimal_places=4, default="0.2000"
    )
    holding_cap_min_holders = models.PositiveIntegerField(
        "ใช้เพดานการถือหุ้นเมื่อมีสมาชิกถือหุ้นตั้งแต่ (คน)",
        default=5,
        validators=[MinValueValidator(1)],
        help_text=(
            "สำหรับสหกรณ์ตั้งใหม่: ตรวจเพดานการถือหุ้นเมื่อหลังรายการมีสมาชิกถือหุ้นตั้งแต่จำนวนนี้ขึ้นไป "
            "(นับรวมผู้ซื้อหรือผู้รับโอน) ถ้าน้อยกว่านี้ยังไม่ตรวจ เพราะสมาชิกคนแรกย่อมถือหุ้นร้อยละ 100 "
            "และเมื่อผู้ถือหุ้นน้อยกว่า 1 ÷ สัดส่วน (5 คนที่ 1/5) ย่อมมีผู้ถือเกินสัดส่วนเสมอ; "
            "1 = ตรวจทุกรายการ"
        ),
    )
    monthly_method = models.CharField(
        "วิธีกำหนดหุ้นรายเดือนขั้นต่ำ", max_length=10, choices=MonthlyMethod.choices, default=MonthlyMethod.TABLE
    )
    table_unit = models.CharField(
        "ตารางกำหนดเป็น", max_length=10, choices=TableUnit.choices, default=TableUnit.SHARES
    )
    monthly_min_percent = models.DecimalField(
        "ขั้นต่ำร้อยละของเงินเดือน", max_digits=5, decimal_places=2, null=True, blank=True
    )
    monthly_percent_rounding = models.CharField(
        "การปัดเศษเมื่อคิดเป็นร้อยละ",
        max_length=20,
        choices=[(r.value, r.label_th) for r in Rounding],
        default=Rounding.TEN_BAHT_UP,
    )
    monthly_max_percent = models.DecimalField(
        "สูงสุดร้อยละของเงินเดือน", max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="เว้นว่าง = ไม่จำกัด",
    )  # fmt: skip
    monthly_floor_no_salary = MoneyField("ขั้นต่ำต่อเดือนสำหรับผู้ไม่มีเงินเดือน (บาท)", default=0)
    default_consecutive_months = models.PositiveSmallIntegerField("ขาดส่งติดต่อกันกี่เดือนถือว่าผิดนัด", default=3)
    default_months_per_year = models.PositiveSmallIntegerField("ขาดส่งรวมกี่เดือนในปีบัญชีถือว่าผิดนัด", default=6)
    suspension_min_months = models.PositiveIntegerField(
        "งดส่งได้เมื่อเป็นสมาชิกอย่างน้อย (เดือน)", null=True, blank=True
    )
    suspension_min_balance = MoneyField("หรือมีทุนเรือนหุ้นอย่างน้อย (บาท)", null=True, blank=True)
    suspension_requires_debt_below_shares = models.BooleanField(
        "งดส่งได้เฉพาะเมื่อหนี้น้อยกว่าทุนเรือนหุ้น", default=True
    )
    suspension_allow_temporary = models.BooleanField("อนุญาตงดส่งชั่วคราว (1 เดือน)", default=True)
    suspension_allow_permanent = models.BooleanField("อนุญาตงดส่งถาวร", default=True)
    withdrawal_settles_debts = models.BooleanField("เมื่อถอนหุ้น ให้หักชำระหนี้ก่อนคืน", default=True)
    transfer_allowed = models.BooleanField("อนุญาตโอนหุ้น (เช่น ให้ทายาทที่เป็นสมาชิก)", default=True)
    note = models.CharField("เหตุผล/มติที่ประชุม", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "ระเบียบหุ้น (ฉบับ)"
        verbose_name_plural = "ระเบียบหุ้น"

    def __str__(self) -> str:
        from sahakorn.core.thai import format_be_date

        return f"ระเบียบหุ้น มีผล {format_be_date(self.effective_from)}"


class ShareBracket(models.Model):
    """A row of the salary table (ตารางหุ้นรายเดือนตามเงินเดือน): salary up to X → at least Y a month.

    A salary falls in the first bracket whose ``salary_up_to`` is at or above it (edges are
    inclusive: with "≤ 5,000 → 20 shares", 5,000.00 takes 20 and 5,000.01 the next row); the
    last row has no upper edge.
    """

    rules = models.ForeignKey(ShareRules, on_delete=models.CASCADE, related_name="brackets")
    salary_up_to = MoneyField("เงินเดือนไม่เกิน (บาท)", null=True, blank=True, help_text="เว้นว่าง = ขึ้นไป")
    value = models.DecimalField("หุ้นรายเดือนขั้นต่ำ (หุ้นหรือบาท)", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["rules", models.F("salary_up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["rules", "salary_up_to"], name="bracket_unique_edge"),
            models.UniqueConstraint(
                fields=["rules"], condition=Q(salary_up_to__isnull=True), name="bracket_one_open_top"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"≤ {self.salary_up_to} → {self.value}"
            if self.salary_up_to is not None
            else f"> … → {self.value}"
        )


class Suspension(models.TextChoices):
    NONE = "", "ส่งปกติ"
    TEMPORARY = "temporary", "งดส่งชั่วคราว"
    PERMANENT = "permanent", "งดส่งถาวร"


class ShareAccount(models.Model):
    """A member's share account (บัญชีทุนเรือนหุ้น).

    ``balance_shares``/``balance_amount`` are a cache of the sum of the member's transactions,
    written only in the same transaction as the rows they sum (the register for 100,000 members
    reads them without a GROUP BY over millions of rows); ``sahakorn shares check`` proves them.
    Every account is updated each payroll month: on PostgreSQL its pages are filled half (migration
    0008), so the update stays on its page (HOT) and writes no index entry.
    """

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="share_account")
    opened_on = models.DateField("วันที่เปิดบัญชีหุ้น")
    monthly_shares = models.PositiveIntegerField("หุ้นรายเดือน (หุ้น)", default=0)
    balance_shares = models.BigIntegerField("หุ้นสะสม (หุ้น)", default=0)
    balance_amount = MoneyField("ทุนเรือนหุ้นสะสม (บาท)", default=0)
    suspension = models.CharField(
        "การงดส่ง", max_length=10, choices=Suspension.choices, default="", blank=True
    )
    suspended_from = models.DateField("งดส่งตั้งแต่เดือน", null=True, blank=True)
    suspended_until = models.DateField("งดส่งถึงเดือน", null=True, blank=True)

    class Meta:
        verbose_name = "บัญชีทุนเรือนหุ้น"
        verbose_name_plural = "บัญชีทุนเรือนหุ้น"
        constraints = [
            models.CheckConstraint(condition=Q(balance_shares__gte=0), name="share_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"หุ้น {self.member}"


class MonthlyChangeReason(models.TextChoices):
    INITIAL = "initial", "เริ่มส่งหุ้นรายเดือน"
    MEMBER_REQUEST = "member_request", "สมาชิกขอเปลี่ยน"
    SALARY_CHANGE = "salary_change", "เงินเดือนเปลี่ยน"
    RULE_CHANGE = "rule_change", "ระเบียบเปลี่ยน"


class MonthlyContributionChange(models.Model):
    """A change of a member's monthly shares (เปลี่ยนหุ้นรายเดือน) from a month on (effective-dated)."""

    account = models.ForeignKey(ShareAccount, on_delete=models.PROTECT, related_name="monthly_changes")
    effective_month = models.DateField("มีผลตั้งแต่เดือน", help_text="วันที่ 1 ของเดือน")
    from_shares = models.PositiveIntegerField(default=0)
    to_shares = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=MonthlyChangeReason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "effective_month", "id"]
        indexes = [models.Index(fields=["account", "effective_month"])]

    def __str__(self) -> str:
        return f"{self.from_shares} → {self.to_shares} หุ้น ตั้งแต่ {self.effective_month:%Y-%m}"


class RequestKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", "ถอนหุ้น (พ้นสมาชิกภาพ)"
    TRANSFER = "transfer", "โอนหุ้น"
    SUSPENSION = "suspension", "งดส่งค่าหุ้น"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "รออนุมัติ"
    APPROVED = "approved", "อนุมัติและผ่านรายการแล้ว"
    REJECTED = "rejected", "ไม่อนุมัติ"
    CANCELLED = "cancelled", "ยกเลิก"


class ShareRequest(MakerChecker):
    """A withdrawal, transfer or suspension request (คำขอ): recorded, checked, approved by a second person.

    The maker-checker fields (the rule checks shown to the approver, who recorded and who decided)
    come from ``core.approvals.MakerChecker``.
    """

    approve_permission = "shares.approve_sharerequest"
    decision_noun = "คำขอ"

    kind = models.CharField("ประเภทคำขอ", max_length=20, choices=RequestKind.choices)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="share_requests")
    to_member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="share_transfers_in",
        verbose_name="โอนให้สมาชิก",
    )  # fmt: skip
    shares = models.PositiveBigIntegerField("จำนวนหุ้น", null=True, blank=True, help_text="เว้นว่าง = ทั้งหมด")
    suspension = models.CharField("แบบการงดส่ง", max_length=10, choices=Suspension.choices, blank=True)
    effective_on = models.DateField("วันที่มีผล")
    reason = models.CharField("เหตุผล", max_length=300)
    status = models.CharField(
        "สถานะ", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_sharerequest", "อนุมัติคำขอถอน/โอน/งดส่งหุ้น")]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member.number}"


class TransactionKind(models.TextChoices):
    OPENING = "opening", "ยอดยกมา"
    INITIAL = "initial", "ซื้อหุ้นแรกเข้า"
    MONTHLY = "monthly", "หุ้นรายเดือน"
    EXTRA = "extra", "ซื้อหุ้นเพิ่ม"
    WITHDRAWAL = "withdrawal", "ถอนหุ้น (โอนเป็นหุ้นรอจ่ายคืน)"
    TRANSFER_OUT = "transfer_out", "โอนหุ้นออก"
    TRANSFER_IN = "transfer_in", "รับโอนหุ้น"
    REVERSAL = "reversal", "กลับรายการ"


class Channel(models.TextChoices):
    PAYROLL = "payroll", "หักเงินเดือน"
    COUNTER = "counter", "เงินสด (เคาน์เตอร์)"
    TRANSFER = "transfer", "โอนเงินเข้าบัญชีสหกรณ์"
    INTERNAL = "internal", "รายการภายใน"


class ShareTransaction(models.Model):
    """One movement of a member's shares (รายการเคลื่อนไหวหุ้น); shares and amount are signed."""

    # The account and user foreign keys have no index of their own ((account, date) serves an
    # account's rows; a user is never looked up by their rows): a payroll month inserts a row per member.
    account = models.ForeignKey(
        ShareAccount, on_delete=models.PROTECT, related_name="transactions", db_index=False
    )
    date = models.DateField("วันที่")
    kind = models.CharField("รายการ", max_length=20, choices=TransactionKind.choices)
    channel = models.CharField("ช่องทาง", max_length=10, choices=Channel.choices, default=Channel.INTERNAL)
    # The month a monthly contribution is for (first day); one per account and month.
    period = models.DateField("งวดเดือน", null=True, blank=True)
    shares = models.BigIntegerField("จำนวนหุ้น")
    amount = MoneyField("จำนวนเงิน")
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="share_transactions"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    request = models.ForeignKey(
        ShareRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    memo = models.CharField("หมายเหตุ", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "date", "id"]
        indexes = [
            models.Index(fields=["account", "date"]),
            models.Index(fields=["date", "kind"]),
            models.Index(fields=["period", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period"],
                condition=Q(kind="monthly"),
                name="one_monthly_contribution_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.shares} หุ้น {self.amount}"


class MonthlyRun(models.Model):
    """A run of the monthly contribution batch for one month (run record: who, when, totals).

    One per month: running the same month again posts nothing (idempotent). ``over_cap`` lists
    the members left out because the contribution would take them past the 1/5 holding cap:
    [{"member_id", "number", "shares", "check": RuleCheck as JSON}].
    """

    period = models.DateField("งวดเดือน", unique=True)
    posted_on = models.DateField("วันที่ผ่านรายการ")
    members = models.PositiveIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    amount = MoneyField(default=0)
    over_cap = models.JSONField("ไม่เรียกเก็บเพราะเกินเพดานการถือหุ้น", default=list, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, related_name="+"
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"หุ้นรายเดือน {self.period:%Y-%m}"
