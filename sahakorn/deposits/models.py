"""Deposits (เงินฝาก): products and their effective-dated rate tiers, members' deposit accounts,
holds, the transactions (the sub-ledger) and the interest runs.

The transactions are the sub-ledger: every one links to the journal entry that posted it, each
GL deposit control account (one per ``gl_role``) equals the sum of the transactions of the
products posting to it (``sahakorn deposits check`` proves it), and they are never updated or
deleted (a database trigger refuses it); a correction is a reversal.

Rate tiers (อัตราดอกเบี้ยขั้นบันได): on a given day the rows of the product with the latest
``effective_from`` on or before that day are the schedule in force, and the whole balance of that
day earns the rate of the highest ``balance_from`` at or below it (not marginal slices: the common
coop rule, "ยอดเงินฝากทั้งจำนวนได้อัตราของขั้นที่ยอดเงินถึง"). A balance below the lowest tier earns nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sahakorn.core.interest import DayBasis
from sahakorn.core.money import MoneyField, Rounding

DEPOSIT_GL_ROLES = ("deposit_savings", "deposit_special_savings", "deposit_fixed")


class DepositKind(models.TextChoices):
    SAVINGS = "savings", "ออมทรัพย์"
    SPECIAL_SAVINGS = "special_savings", "ออมทรัพย์พิเศษ"
    FIXED_TERM = "fixed_term", "ประจำ"


class EarlyWithdrawal(models.TextChoices):
    """What a withdrawal before a fixed-term account matures does (ถอนก่อนครบกำหนด)."""

    REFUSED = "refused", "ไม่อนุญาตให้ถอนก่อนครบกำหนด"
    SAVINGS_RATE = "savings_rate", "ถอนได้ งวดนั้นได้ดอกเบี้ยอัตราออมทรัพย์"
    NO_INTEREST = "no_interest", "ถอนได้ งวดนั้นไม่ได้ดอกเบี้ย"


class DepositProduct(models.Model):
    """A deposit product (ประเภทเงินฝาก) and its rules. Edited in the admin by the manager."""

    code = models.CharField("รหัสประเภท", max_length=4, unique=True, help_text="ใช้นำหน้าเลขที่บัญชี เช่น 10")
    name = models.CharField("ชื่อประเภทเงินฝาก", max_length=100)
    kind = models.CharField("ชนิด", max_length=20, choices=DepositKind.choices)
    gl_role = models.CharField(
        "บทบาทบัญชีคุม",
        max_length=40,
        choices=[(r, r) for r in DEPOSIT_GL_ROLES],
        help_text="บัญชีแยกประเภทที่ใช้บันทึกเงินฝากประเภทนี้",
    )
    credit_months = models.CharField(
        "เดือนที่จ่ายดอกเบี้ยเข้าบัญชี",
        max_length=40,
        default="6,12",
        help_text="เลขเดือนคั่นด้วยจุลภาค ดอกเบี้ยเข้าบัญชี ณ วันสิ้นเดือนนั้น เช่น 6,12",
    )
    interest_rounding = models.CharField(
        "การปัดเศษดอกเบี้ย",
        max_length=20,
        choices=[(r.value, r.label_th) for r in Rounding if r is not Rounding.NONE],
        default=Rounding.SATANG_HALF_UP,
    )
    day_basis = models.CharField(
        "ฐานจำนวนวันต่อปี",
        max_length=10,
        choices=DayBasis.choices,
        blank=True,
        help_text="เว้นว่าง = ตามที่สหกรณ์กำหนด",
    )
    min_opening = MoneyField("ยอดเปิดบัญชีขั้นต่ำ (บาท)", default=0)
    min_balance = MoneyField("ยอดคงเหลือขั้นต่ำ (บาท)", default=0)
    max_withdrawals_per_month = models.PositiveSmallIntegerField(
        "ถอนได้ไม่เกิน (ครั้งต่อเดือน)", null=True, blank=True, help_text="เว้นว่าง = ไม่จำกัด"
    )
    term_months = models.PositiveSmallIntegerField(
        "ระยะเวลาฝากประจำ (เดือน)", null=True, blank=True, help_text="เฉพาะเงินฝากประจำ"
    )
    early_withdrawal = models.CharField(
        "ถอนก่อนครบกำหนด",
        max_length=20,
        choices=EarlyWithdrawal.choices,
        default=EarlyWithdrawal.SAVINGS_RATE,
        help_text="เฉพาะเงินฝากประจำ",
    )
    dormant_after_months = models.PositiveSmallIntegerField(
        "ไม่เคลื่อนไหวกี่เดือนถือเป็นบัญชีพักการเคลื่อนไหว", null=True, blank=True, help_text="เว้นว่าง = ไม่ใช้"
    )
    is_active = models.BooleanField("เปิดรับฝาก", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "ประเภทเงินฝาก"
        verbose_name_plural = "ประเภทเงินฝาก"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def credit_month_numbers(self) -> list[int]:
        from sahakorn.deposits.calc import credit_months_parse

        return credit_months_parse(self.credit_months)


class DepositRate(models.Model):
    """One tier of a product's rate schedule (อัตราดอกเบี้ย), in force from ``effective_from``."""

    product = models.ForeignKey(DepositProduct, on_delete=models.PROTECT, related_name="rates")
    effective_from = models.DateField("มีผลตั้งแต่")
    balance_from = MoneyField("ยอดเงินฝากตั้งแต่ (บาท)", default=0)
    annual_rate = models.DecimalField("อัตราดอกเบี้ยต่อปี (%)", max_digits=6, decimal_places=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product", "-effective_from", "balance_from"]
        verbose_name = "อัตราดอกเบี้ยเงินฝาก"
        verbose_name_plural = "อัตราดอกเบี้ยเงินฝาก"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "effective_from", "balance_from"], name="deposit_rate_unique_tier"
            ),
            models.CheckConstraint(condition=Q(annual_rate__gte=0), name="deposit_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.code} ≥ {self.balance_from:,.2f}: {self.annual_rate}% ({self.effective_from})"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "ปกติ"
    DORMANT = "dormant", "พักการเคลื่อนไหว"
    CLOSED = "closed", "ปิดบัญชี"


class DepositAccount(models.Model):
    """A member's deposit account (บัญชีเงินฝาก); a member may hold several.

    ``balance`` is a cache of the sum of the account's transactions, written only in the same
    transaction as the rows it sums; ``sahakorn deposits check`` proves it. ``last_movement_on`` is
    the member's last own movement (deposit, withdrawal, transfer): interest and internal credits
    do not keep an account out of dormancy.
    """

    number = models.CharField("เลขที่บัญชี", max_length=20, unique=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="deposit_accounts")
    product = models.ForeignKey(DepositProduct, on_delete=models.PROTECT, related_name="accounts")
    opened_on = models.DateField("วันที่เปิดบัญชี")
    matures_on = models.DateField("วันครบกำหนด", null=True, blank=True)
    status = models.CharField(
        "สถานะ", max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    closed_on = models.DateField("วันที่ปิดบัญชี", null=True, blank=True)
    balance = MoneyField("ยอดคงเหลือ", default=0)
    # An agreed monthly saving deducted from pay (เงินฝากรายเดือนหักจากเงินเดือน); billing collects it.
    monthly_deposit = MoneyField("ฝากรายเดือน (หักเงินเดือน)", default=0, db_default=0)
    last_movement_on = models.DateField("เคลื่อนไหวล่าสุด", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "บัญชีเงินฝาก"
        verbose_name_plural = "บัญชีเงินฝาก"
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="deposit_balance_not_negative"),
        ]
        indexes = [
            models.Index(fields=["product", "status"]),
            models.Index(fields=["status", "last_movement_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.product.name}"


class AccountStatusChange(models.Model):
    """A step of an account's life (เปิด พักการเคลื่อนไหว เปิดใช้ใหม่ ปิด): who, when, why."""

    account = models.ForeignKey(DepositAccount, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=AccountStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AccountStatus.choices)
    effective_on = models.DateField("มีผลวันที่")
    reason = models.CharField("เหตุผล", max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.from_status or '-'} → {self.to_status} ({self.effective_on})"


class DepositHold(models.Model):
    """An amount blocked on an account (อายัด), e.g. pledged for a loan; released, never deleted."""

    account = models.ForeignKey(DepositAccount, on_delete=models.PROTECT, related_name="holds")
    amount = MoneyField("จำนวนเงินที่อายัด")
    reason = models.CharField("เหตุผล", max_length=300)
    placed_on = models.DateField("วันที่อายัด")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_on = models.DateField("วันที่ถอนอายัด", null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["account", "placed_on", "id"]
        verbose_name = "การอายัดเงินฝาก"
        verbose_name_plural = "การอายัดเงินฝาก"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_hold_positive")]
        indexes = [models.Index(fields=["account", "released_on"])]

    def __str__(self) -> str:
        return f"อายัด {self.amount:,.2f} ({self.reason})"

    @property
    def is_active(self) -> bool:
        return self.released_on is None


class TransactionKind(models.TextChoices):
    OPENING = "opening", "ยอดยกมา"
    DEPOSIT = "deposit", "ฝาก"
    WITHDRAWAL = "withdrawal", "ถอน"
    INTEREST = "interest", "ดอกเบี้ย"
    TRANSFER_IN = "transfer_in", "รับโอน"
    TRANSFER_OUT = "transfer_out", "โอนออก"
    REVERSAL = "reversal", "กลับรายการ"


class Channel(models.TextChoices):
    CASH = "cash", "เงินสด"
    TRANSFER = "transfer", "โอนผ่านธนาคาร"
    INTERNAL = "internal", "รายการภายใน"
    PAYROLL = "payroll", "หักเงินเดือน"


# The member's own movements: these (not interest, internal credits or reversals) reset dormancy
# and count toward the monthly withdrawal limit (the debits among them).
MEMBER_MOVEMENTS = (
    TransactionKind.OPENING,
    TransactionKind.DEPOSIT,
    TransactionKind.WITHDRAWAL,
    TransactionKind.TRANSFER_IN,
    TransactionKind.TRANSFER_OUT,
)


class DepositTransaction(models.Model):
    """One line of the passbook (รายการเคลื่อนไหวเงินฝาก); ``amount`` is signed, ``balance_after`` running."""

    account = models.ForeignKey(DepositAccount, on_delete=models.PROTECT, related_name="transactions")
    date = models.DateField("วันที่")
    kind = models.CharField("รายการ", max_length=20, choices=TransactionKind.choices)
    channel = models.CharField("ช่องทาง", max_length=10, choices=Channel.choices, default=Channel.INTERNAL)
    amount = MoneyField("จำนวนเงิน")
    balance_after = MoneyField("ยอดคงเหลือ")
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="deposit_transactions"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    interest_run = models.ForeignKey(
        "InterestRun", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    memo = models.CharField("หมายเหตุ", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "date", "id"]
        verbose_name = "รายการเงินฝาก"
        verbose_name_plural = "รายการเงินฝาก"
        indexes = [
            models.Index(fields=["account", "date", "id"]),
            models.Index(fields=["date", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,.2f}"


class InterestRun(models.Model):
    """The crediting of one product's interest for one period (ประมวลผลดอกเบี้ยเงินฝาก): the run record.

    One per product and period end: running the same period again posts nothing (idempotent).
    """

    product = models.ForeignKey(DepositProduct, on_delete=models.PROTECT, related_name="interest_runs")
    period_start = models.DateField("ตั้งแต่วันที่")
    period_end = models.DateField("ถึงวันที่")
    posted_on = models.DateField("วันที่ผ่านรายการ")
    accounts = models.PositiveIntegerField("จำนวนบัญชี", default=0)
    amount = MoneyField("ดอกเบี้ยรวม", default=0)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "product"]
        verbose_name = "การประมวลผลดอกเบี้ยเงินฝาก"
        verbose_name_plural = "การประมวลผลดอกเบี้ยเงินฝาก"
        constraints = [
            models.UniqueConstraint(fields=["product", "period_end"], name="one_interest_run_per_period"),
        ]

    def __str__(self) -> str:
        return f"ดอกเบี้ย {self.product.code} ถึง {self.period_end}"
