"""Monthly billing (เรียกเก็บรายเดือน): the calendar, the item table, and each member's frozen bill.

A month is a ``BillingPeriod``; each pay group (กลุ่มการจ่ายเงินเดือน: staff, pensioners, private
employees) is billed on its own days, so the steps of the cycle run per ``BillingCycle`` (period ×
pay group). Freezing a cycle writes one ``Bill`` per member billed and its ``BillLine`` rows, which
never change afterwards (a database trigger refuses): what changes after the freeze goes to the next
month. docs/billing.md is the design of the whole cycle.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sahakorn.core.money import MoneyField
from sahakorn.members.models import MemberType


class PayGroup(models.Model):
    """Units billed on the same days (กลุ่มการจ่ายเงินเดือน). Days are days of the month; 0 is its last day."""

    code = models.CharField("รหัสกลุ่ม", max_length=20, unique=True)
    name = models.CharField("ชื่อกลุ่ม", max_length=200)
    processing_day = models.PositiveSmallIntegerField(
        "วันประมวลผล (ตัดยอด)", default=5, validators=[MaxValueValidator(31)]
    )
    send_day = models.PositiveSmallIntegerField(
        "วันส่งรายการให้หน่วย", default=7, validators=[MaxValueValidator(31)]
    )
    pay_day = models.PositiveSmallIntegerField(
        "วันที่หน่วยจ่ายเงินเดือน", default=0, validators=[MaxValueValidator(31)], help_text="0 = วันสิ้นเดือน"
    )
    posting_day = models.PositiveSmallIntegerField(
        "วันผ่านรายการรับชำระ", default=0, validators=[MaxValueValidator(31)], help_text="0 = วันสิ้นเดือน"
    )
    is_default = models.BooleanField("กลุ่มตั้งต้นของหน่วยที่ไม่ได้กำหนด", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "กลุ่มการจ่ายเงินเดือน"
        verbose_name_plural = "กลุ่มการจ่ายเงินเดือน"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="billing_one_default_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FileLayout(models.Model):
    """A unit's deduction file layout as data (``billing.layouts``): the coop adds its employer's own
    without code. The built-in ones are seeded from ``billing/data/layouts``."""

    code = models.CharField("รหัสรูปแบบ", max_length=30, unique=True)
    name = models.CharField("ชื่อรูปแบบ", max_length=200)
    spec = models.JSONField("รายละเอียดรูปแบบ (JSON)")
    is_builtin = models.BooleanField("รูปแบบมาตรฐานของระบบ", default=False, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "รูปแบบแฟ้มรายการหักเงินเดือน"
        verbose_name_plural = "รูปแบบแฟ้มรายการหักเงินเดือน"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from sahakorn.billing.errors import BillingError
        from sahakorn.billing.layouts import layout_from_spec

        try:
            layout_from_spec(self.code, self.spec)
        except BillingError as e:
            raise ValidationError({"spec": e.message}) from e


class BillingMethod(models.TextChoices):
    PAYROLL = "payroll", "หักเงินเดือนผ่านหน่วยงาน"
    BANK = "bank", "หักบัญชีธนาคาร"


class BankDebitMandate(models.Model):
    """A member's standing order to pay the monthly bill from a bank account instead of through the
    unit's payroll (หนังสือยินยอมให้หักบัญชีเงินฝากธนาคาร): from the month ``starts`` the freeze bills
    the member by bank (no net-pay floor: nothing comes out of pay); ``ends`` is the first month billed
    through the unit again. One mandate in force a member."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="bank_debit_mandates", verbose_name="สมาชิก"
    )
    bank_code = models.CharField("รหัสธนาคาร", max_length=3)
    account_no = models.CharField("เลขที่บัญชี", max_length=10)
    starts = models.DateField("เริ่มหักบัญชีตั้งแต่งวด")
    ends = models.DateField("กลับไปหักเงินเดือนตั้งแต่งวด", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member__number", "-starts"]
        verbose_name = "หนังสือยินยอมให้หักบัญชีธนาคาร"
        verbose_name_plural = "หนังสือยินยอมให้หักบัญชีธนาคาร"
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ends__isnull=True), name="billing_one_open_mandate_per_member"
            ),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gt=models.F("starts")),
                name="billing_mandate_ends_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.bank_code}-{self.account_no}"


class BankDebitAccount(models.Model):
    """The coop's account the members' direct debits are collected into, as the bank's file names it
    (BANKFILES.md §7: the header's company bank code, account and name; the detail's service code)."""

    bank_code = models.CharField("รหัสธนาคาร", max_length=3)
    account_no = models.CharField("เลขที่บัญชีของสหกรณ์", max_length=10)
    company_name = models.CharField("ชื่อบริษัทในแฟ้ม (ไม่เกิน 25 ตัวอักษร)", max_length=25)
    service_code = models.CharField("รหัสบริการ (2 หลัก)", max_length=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The coop has one collecting account: the row is always true and unique, so a second row (two
    # officers setting it for the first time at once) is refused by the database.
    the_one = models.BooleanField(default=True, unique=True, editable=False)

    class Meta:
        verbose_name = "บัญชีรับเงินหักบัญชีสมาชิก"
        verbose_name_plural = "บัญชีรับเงินหักบัญชีสมาชิก"
        constraints = [
            models.CheckConstraint(condition=Q(the_one=True), name="billing_one_bank_debit_account")
        ]

    def __str__(self) -> str:
        return f"{self.bank_code}-{self.account_no} {self.company_name}"


class UnitBilling(models.Model):
    """How a unit (หน่วยสังกัด) is billed: its pay group. A unit without a row is in the default group."""

    unit = models.OneToOneField(
        "members.Unit", on_delete=models.PROTECT, related_name="billing", verbose_name="หน่วยสังกัด"
    )
    pay_group = models.ForeignKey(
        PayGroup, on_delete=models.PROTECT, related_name="units", verbose_name="กลุ่ม"
    )
    layout = models.ForeignKey(
        FileLayout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="รูปแบบแฟ้มของหน่วย",
        help_text="ว่าง = แฟ้ม Excel ของสหกรณ์",
    )

    class Meta:
        verbose_name = "การเรียกเก็บของหน่วย"
        verbose_name_plural = "การเรียกเก็บของหน่วย"

    def __str__(self) -> str:
        return f"{self.unit} → {self.pay_group}"


class BillingItem(models.Model):
    """A line a bill can carry (รายการเรียกเก็บ): seeded from what each sub-ledger bills (its ``kind``).

    ``priority`` orders the lines of a bill, which lines the net-pay floor cuts first (the last), and
    how a short payment is allocated (the first is paid first). The coop may rename, re-code and
    re-order items; the frozen lines keep the priority they were frozen with.
    """

    code = models.CharField("รหัสรายการ", max_length=20, unique=True)
    name = models.CharField("ชื่อรายการ", max_length=200)
    subledger = models.CharField("ระบบงาน", max_length=20)
    kind = models.CharField("ประเภทในระบบงาน", max_length=60, unique=True, editable=False)
    priority = models.PositiveSmallIntegerField("ลำดับการหัก", help_text="น้อย = หักก่อน")
    whole_only = models.BooleanField(
        "เรียกเก็บเต็มจำนวนเท่านั้น", default=False, help_text="เช่น ค่าหุ้น เงินสงเคราะห์: ตัดทั้งรายการเมื่อเกินเพดาน"
    )
    is_active = models.BooleanField("เรียกเก็บ", default=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = "รายการเรียกเก็บ"
        verbose_name_plural = "รายการเรียกเก็บ"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class NetPayFloor(models.Model):
    """The share of salary that must be left after the coop's deductions (เงินเดือนคงเหลือขั้นต่ำ), per member type."""

    member_type = models.CharField("ประเภทสมาชิก", max_length=20, choices=MemberType.choices, unique=True)
    percent_left = models.DecimalField(
        "เงินเดือนคงเหลือไม่น้อยกว่า (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = "เงินเดือนคงเหลือขั้นต่ำ"
        verbose_name_plural = "เงินเดือนคงเหลือขั้นต่ำ"

    def __str__(self) -> str:
        return f"{self.get_member_type_display()} ≥ {self.percent_left}%"


class BillingPeriod(models.Model):
    """A month billed (งวดเรียกเก็บ), ``month`` its first day; shown as B.E. ``YYYYMM`` (256912)."""

    month = models.DateField("เดือน", unique=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = "งวดเรียกเก็บ"
        verbose_name_plural = "งวดเรียกเก็บ"
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="billing_period_first_day")]

    def __str__(self) -> str:
        return f"งวด {self.code}"

    @property
    def code(self) -> str:
        return f"{self.month.year + 543}{self.month.month:02d}"


class CycleStatus(models.TextChoices):
    OPEN = "open", "รอประมวลผล"
    FROZEN = "frozen", "ประมวลผลแล้ว (ยอดคงที่)"
    CLOSED = "closed", "ปิดงวดแล้ว"


class BillingCycle(models.Model):
    """One pay group's billing of one month (รอบเรียกเก็บ): its dates and the record of each step run."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="cycles")
    pay_group = models.ForeignKey(
        PayGroup, on_delete=models.PROTECT, related_name="cycles", verbose_name="กลุ่ม"
    )
    processing_date = models.DateField("วันประมวลผล")
    send_date = models.DateField("วันส่งรายการ")
    pay_date = models.DateField("วันจ่ายเงินเดือน")
    posting_date = models.DateField("วันผ่านรายการ")
    status = models.CharField("สถานะ", max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bills = models.PositiveIntegerField("จำนวนสมาชิก", default=0)
    lines = models.PositiveIntegerField("จำนวนรายการ", default=0)
    total_demanded = MoneyField("ยอดที่ระบบงานเรียกเก็บ", default=0)
    total_billed = MoneyField("ยอดเรียกเก็บ", default=0)
    freeze_seconds = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period__month", "pay_group__code"]
        verbose_name = "รอบเรียกเก็บ"
        verbose_name_plural = "รอบเรียกเก็บ"
        constraints = [
            models.UniqueConstraint(fields=["period", "pay_group"], name="billing_one_cycle_per_group"),
            models.CheckConstraint(
                condition=Q(status="open", frozen_at__isnull=True)
                | Q(~Q(status="open"), frozen_at__isnull=False),
                name="billing_cycle_frozen_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.pay_group.name}"


class Bill(models.Model):
    """One member's frozen bill for a month (รายการเรียกเก็บของสมาชิก); never changed after the freeze.

    ``salary`` and ``cap`` are what the net-pay floor was figured from (cap None: no salary on file,
    not capped); ``total_demanded`` is what the sub-ledgers asked, ``total_billed`` what was sent to
    the unit after the cap.
    """

    cycle = models.ForeignKey(BillingCycle, on_delete=models.PROTECT, related_name="bill_set")
    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="bills")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="bills")
    unit = models.ForeignKey("members.Unit", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("วิธีชำระ", max_length=10, choices=BillingMethod.choices)
    salary = MoneyField("เงินเดือน")
    cap = MoneyField("เพดานหักได้", null=True)
    total_demanded = MoneyField("ยอดที่ระบบงานเรียกเก็บ")
    total_billed = MoneyField("ยอดเรียกเก็บ")

    class Meta:
        ordering = ["period", "member__number"]
        verbose_name = "ใบเรียกเก็บ"
        verbose_name_plural = "ใบเรียกเก็บ"
        constraints = [
            models.UniqueConstraint(fields=["period", "member"], name="billing_one_bill_per_member")
        ]
        indexes = [models.Index(fields=["cycle", "unit"])]

    def __str__(self) -> str:
        return f"{self.period} {self.member_id}"


class BillLine(models.Model):
    """One frozen line of a bill: what a sub-ledger asked (``demanded``) and what was billed after the cap.

    ``for_period`` is the month the amount belongs to (an earlier one for arrears re-billed);
    ``arrears`` is the part of ``demanded`` left unpaid by earlier months, collected first.
    """

    # No index of their own: (bill, item, reference, for_period) serves a bill's lines, and a dozen items
    # over millions of lines make an index on the item no use; a month's freeze writes 750,000 lines.
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines", db_index=False)
    item = models.ForeignKey(BillingItem, on_delete=models.PROTECT, related_name="+", db_index=False)
    priority = models.PositiveSmallIntegerField()
    subledger = models.CharField(max_length=20)
    reference = models.CharField("อ้างอิง", max_length=40)
    for_period = models.DateField("ของเดือน")
    label = models.CharField("รายการ", max_length=200)
    demanded = MoneyField("ยอดที่ระบบงานเรียกเก็บ")
    arrears = MoneyField("ค้างชำระยกมา", default=0)
    billed = MoneyField("ยอดเรียกเก็บ")
    cut_reason = models.CharField("เหตุที่เรียกเก็บไม่เต็ม", max_length=200, blank=True)
    # Part amounts are multiples of it (a share's par value); null: any amount.
    step = MoneyField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["bill", "priority", "reference", "id"]
        verbose_name = "รายการในใบเรียกเก็บ"
        verbose_name_plural = "รายการในใบเรียกเก็บ"
        constraints = [
            models.CheckConstraint(
                condition=Q(billed__gte=0) & Q(billed__lte=models.F("demanded")),
                name="billing_line_billed_within_demand",
            ),
            models.UniqueConstraint(
                fields=["bill", "item", "reference", "for_period"], name="billing_one_line_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.billed}"


# ======== Posting what the units deducted ========


class UnitPosting(models.Model):
    """The receipt of one unit's deductions for one cycle (ผ่านรายการรับชำระ): its run record.

    One per cycle and unit: a second posting returns the first. ``received`` is what the unit
    remitted; ``applied`` what the sub-ledgers took; ``over`` what they no longer owed (paid at the
    counter after the freeze), held for the member as ``member_refund_payable``; ``short`` what the
    unit did not deduct, left owed (arrears) and collected first next month.
    """

    cycle = models.ForeignKey(BillingCycle, on_delete=models.PROTECT, related_name="postings")
    unit = models.ForeignKey("members.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="หน่วย")
    # Payroll: what the unit deducted; bank: what the bank debited from the unit's members who pay by
    # bank account (the direct-debit file), posted apart, with its own voucher.
    method = models.CharField(
        "วิธีชำระ", max_length=10, choices=BillingMethod.choices, default=BillingMethod.PAYROLL
    )
    posted_on = models.DateField("วันที่ผ่านรายการ")
    posted_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    members = models.PositiveIntegerField("จำนวนสมาชิก", default=0)
    billed = MoneyField("ยอดเรียกเก็บ", default=0)
    received = MoneyField("ยอดที่หน่วยหักส่ง", default=0)
    applied = MoneyField("ยอดรับชำระเข้าระบบงาน", default=0)
    over = MoneyField("ยอดหักเกิน", default=0)
    short = MoneyField("ยอดหักไม่ได้ (ค้างชำระ)", default=0)
    seconds = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["cycle", "unit__code"]
        verbose_name = "การผ่านรายการรับชำระของหน่วย"
        verbose_name_plural = "การผ่านรายการรับชำระของหน่วย"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "method"], name="billing_one_posting_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.unit}"


class LineReceipt(models.Model):
    """What one frozen line received (รับชำระตามรายการ), and the voucher it is in. Never changed."""

    posting = models.ForeignKey(UnitPosting, on_delete=models.PROTECT, related_name="receipts")
    line = models.OneToOneField(BillLine, on_delete=models.PROTECT, related_name="receipt")
    # What the unit deducted for the line is applied + over (no third column for SQLite's floating
    # sums to disagree with).
    applied = MoneyField("รับชำระเข้าระบบงาน")
    over = MoneyField("หักเกิน", default=0)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, related_name="billing_receipts"
    )

    class Meta:
        verbose_name = "การรับชำระตามรายการ"
        verbose_name_plural = "การรับชำระตามรายการ"
        constraints = [
            models.CheckConstraint(
                condition=Q(applied__gte=0) & Q(over__gte=0), name="billing_receipt_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.received}"

    @property
    def received(self):
        return self.applied + self.over

    @property
    def short(self):
        return self.line.billed - self.received


class RefundChoice(models.TextChoices):
    REFUND = "refund", "คืนเป็นเงินสด/โอนเข้าบัญชีธนาคาร"
    DEPOSIT = "deposit", "นำเข้าบัญชีเงินฝาก"


class OverDeduction(models.Model):
    """Money a unit deducted that the member no longer owed (เงินหักเกิน), held in ``member_refund_payable``
    until it is paid back (``refunded_on``) by the member's choice."""

    posting = models.ForeignKey(UnitPosting, on_delete=models.PROTECT, related_name="over_deductions")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="over_deductions")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="over_deductions")
    amount = MoneyField("จำนวนเงิน")
    reason = models.CharField("เหตุผล", max_length=300)
    choice = models.CharField(
        "คืนโดย", max_length=10, choices=RefundChoice.choices, default=RefundChoice.REFUND
    )
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    refunded_on = models.DateField("วันที่คืน", null=True, blank=True)
    refund_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = "เงินหักเกิน"
        verbose_name_plural = "เงินหักเกิน"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_over_positive"),
            models.CheckConstraint(
                condition=Q(refunded_on__isnull=True, refund_entry__isnull=True)
                | Q(refunded_on__isnull=False, refund_entry__isnull=False),
                name="billing_over_refund_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.amount}"


class RefundChannel(models.TextChoices):
    BANK = "bank", "โอนเข้าบัญชีธนาคาร"
    CASH = "cash", "เงินสด"
    DEPOSIT = "deposit", "เข้าบัญชีเงินฝาก"


class StandingRefundChoice(models.Model):
    """How a member wants what was deducted and no longer owed paid back (วิธีรับเงินหักเกินประจำ),
    recorded once and used by every refund until changed: a bank transfer to the account on the
    member's record, cash at the coop, or into one of their deposit accounts."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.PROTECT, related_name="refund_choice", verbose_name="สมาชิก"
    )
    channel = models.CharField("วิธีรับเงิน", max_length=10, choices=RefundChannel.choices)
    account = models.ForeignKey(
        "deposits.DepositAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="บัญชีเงินฝาก",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "วิธีรับเงินหักเกินประจำของสมาชิก"
        verbose_name_plural = "วิธีรับเงินหักเกินประจำของสมาชิก"
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="deposit", account__isnull=False)
                | (~Q(channel="deposit") & Q(account__isnull=True)),
                name="billing_refund_choice_account_for_deposit",
            )
        ]

    def __str__(self) -> str:
        where = f" {self.account.number}" if self.account_id else ""
        return f"{self.get_channel_display()}{where}"


class BillingEventKind(models.TextChoices):
    SHORT_PAYMENT = "short_payment", "เงินเดือนไม่พอหักชำระ"
    REFUND_MADE = "refund_made", "คืนเงินหักเกิน"


class BillingEvent(models.Model):
    """Something a member must be told about their deduction (an outbox row, as ``loans.LoanEvent``):
    written in the posting's transaction, read and marked sent by the notifications app."""

    kind = models.CharField(max_length=30, choices=BillingEventKind.choices)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="billing_events")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, related_name="events")
    message = models.CharField("ข้อความ", max_length=500)
    occurred_on = models.DateField("วันที่")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["notified_at", "id"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "bill"], name="billing_one_event_per_bill_kind"),
        ]

    def __str__(self) -> str:
        return self.message


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", "ตรวจแล้ว รอผ่านรายการ"
    POSTED = "posted", "ผ่านรายการแล้ว"


class DeductionImport(models.Model):
    """A file of what a unit actually deducted (แฟ้มผลการหักเงินเดือน), checked whole before anything
    posts; its lines are the deductions that ``billing_unit_post`` then receives."""

    cycle = models.ForeignKey(BillingCycle, on_delete=models.PROTECT, related_name="imports")
    unit = models.ForeignKey("members.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="หน่วย")
    layout_code = models.CharField("รูปแบบแฟ้ม", max_length=30)
    file_name = models.CharField("ชื่อแฟ้ม", max_length=200)
    sha256 = models.CharField(max_length=64)
    remittance = MoneyField("ยอดเงินที่หน่วยโอนให้สหกรณ์")
    rows = models.PositiveIntegerField("จำนวนแถว")
    total = MoneyField("ยอดหักได้รวมตามแฟ้ม")
    status = models.CharField(
        "สถานะ", max_length=10, choices=ImportStatus.choices, default=ImportStatus.VALIDATED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    posting = models.OneToOneField(
        UnitPosting, on_delete=models.PROTECT, null=True, blank=True, related_name="deduction_import"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "แฟ้มผลการหักเงินเดือน"
        verbose_name_plural = "แฟ้มผลการหักเงินเดือน"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.unit})"


class DeductionImportLine(models.Model):
    deduction_import = models.ForeignKey(DeductionImport, on_delete=models.PROTECT, related_name="lines")
    row = models.PositiveIntegerField("แถวที่")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    deducted = MoneyField("ยอดที่หักได้")

    class Meta:
        ordering = ["deduction_import", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["deduction_import", "member"], name="billing_import_one_line_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.row}: {self.member_id} {self.deducted}"


class ReceiptSequence(models.Model):
    """The last receipt number of a year (B.E.): receipts are numbered without gaps within a year."""

    year_be = models.PositiveIntegerField(unique=True)
    last_no = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year_be}: {self.last_no}"


class Receipt(models.Model):
    """One member's receipt for a month's deduction (ใบเสร็จรับเงิน), written when the unit's posting is.

    Numbered ``<year B.E.>/<number>`` per year; ``is_partial`` marks a deduction short of the bill
    (ชำระบางส่วน). The PDF is rendered from these rows and the frozen lines, so it is the same every
    time it is printed.
    """

    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="receipt")
    posting = models.ForeignKey(UnitPosting, on_delete=models.PROTECT, related_name="member_receipts")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="billing_receipts")
    year_be = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    issued_on = models.DateField("วันที่")
    amount = MoneyField("จำนวนเงิน")
    is_partial = models.BooleanField("ชำระบางส่วน", default=False)
    # As they were when the receipt was issued, so a re-print is the same document after a rename.
    payer = models.CharField("ได้รับเงินจาก", max_length=250, default="")
    unit_name = models.CharField("หน่วย", max_length=200, default="")

    class Meta:
        ordering = ["year_be", "number"]
        verbose_name = "ใบเสร็จรับเงิน"
        verbose_name_plural = "ใบเสร็จรับเงิน"
        constraints = [
            models.UniqueConstraint(fields=["year_be", "number"], name="billing_receipt_number_unique")
        ]
        indexes = [models.Index(fields=["member", "issued_on"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.year_be}/{self.number:06d}"
