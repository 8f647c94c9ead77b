"""Welfare and scholarships (สวัสดิการและทุนการศึกษา): the schemes the coop defines, and claims on them.

A scheme says who may claim, how often and how much; a claim is applied for with its rule checks
stored, approved by a second person, then paid out of the scheme's fund (Dr fund / Cr cash, bank
or a deposit account). Paid claims are the sub-ledger of the funds' payouts: each links to its
voucher, ``sahakorn welfare check`` proves them against the GL, and a paid claim is never edited
(a database trigger refuses it): a correction is a reversal.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from sahakorn.core.approvals import MakerChecker
from sahakorn.core.money import MoneyField


class SchemeKind(models.TextChoices):
    SCHOLARSHIP = "scholarship", "ทุนการศึกษาบุตร"
    BIRTH = "birth", "รับขวัญบุตร"
    ILLNESS = "illness", "รักษาพยาบาล"
    DEATH = "death", "เสียชีวิต"
    PENSION = "pension", "กองทุนสวัสดิการบำนาญ"
    LONG_MEMBERSHIP = "long_membership", "สมาชิกอาวุโส"
    OTHER = "other", "อื่น ๆ"


class FundRole(models.TextChoices):
    """The equity fund a scheme pays from (appropriated from the year's net profit)."""

    WELFARE_FUND = "welfare_fund", "ทุนสวัสดิการสมาชิก"
    SCHOLARSHIP_FUND = "scholarship_fund", "ทุนการศึกษาบุตรสมาชิก"


class AmountRule(models.TextChoices):
    FIXED = "fixed", "จำนวนเงินคงที่"
    BY_LEVEL = "by_level", "ตามระดับ (เช่น ระดับการศึกษา)"
    PER_DAY = "per_day", "ต่อวัน (มีเพดานวันต่อปี)"


class WelfareScheme(models.Model):
    """A welfare scheme (ประเภทสวัสดิการ): eligibility, limits and the amount rule.

    Limits count the member's claims that are pending, approved or paid (not rejected or reversed)
    in the fiscal year of the application; with ``per_beneficiary`` they count per beneficiary
    (a scholarship once per child per year, the birth gift once per child). Edited in the admin
    (its log is the audit trail); ``valid_from``/``valid_until`` date a change of terms: close the
    old scheme and open a new one from the date the board decided.
    """

    code = models.CharField("รหัส", max_length=20, unique=True)
    name = models.CharField("ชื่อสวัสดิการ", max_length=200)
    kind = models.CharField("ประเภท", max_length=20, choices=SchemeKind.choices)
    fund_role = models.CharField(
        "จ่ายจากทุน", max_length=20, choices=FundRole.choices, default=FundRole.WELFARE_FUND
    )
    amount_rule = models.CharField("วิธีคิดจำนวนเงิน", max_length=10, choices=AmountRule.choices)
    amount = MoneyField(
        "จำนวนเงิน (บาท)", default=0, help_text="คงที่: ต่อครั้ง · ต่อวัน: อัตราต่อวัน · ตามระดับ: ไม่ใช้ (ดูตารางด้านล่าง)"
    )
    max_days_per_year = models.PositiveSmallIntegerField(
        "จำนวนวันสูงสุดต่อปีบัญชี", null=True, blank=True, help_text="ใช้กับแบบต่อวัน"
    )
    max_amount_per_claim = MoneyField("จ่ายสูงสุดต่อครั้ง (บาท)", null=True, blank=True)
    min_membership_months = models.PositiveIntegerField("เป็นสมาชิกอย่างน้อย (เดือน)", default=0)
    min_age_years = models.PositiveSmallIntegerField("อายุสมาชิกอย่างน้อย (ปี)", null=True, blank=True)
    member_types = models.JSONField("ประเภทสมาชิกที่มีสิทธิ์", default=list, blank=True, help_text="ว่าง = ทุกประเภท")
    max_per_year = models.PositiveSmallIntegerField("ขอได้สูงสุดต่อปีบัญชี (ครั้ง)", null=True, blank=True)
    max_lifetime = models.PositiveSmallIntegerField("ขอได้สูงสุดตลอดสมาชิกภาพ (ครั้ง)", null=True, blank=True)
    per_beneficiary = models.BooleanField(
        "นับจำนวนครั้งแยกตามผู้รับประโยชน์", default=False, help_text="เช่น ทุนการศึกษา: ปีละครั้งต่อบุตรหนึ่งคน"
    )
    requires_beneficiary = models.BooleanField("ต้องระบุผู้รับประโยชน์ (เช่น บุตร)", default=False)
    event_within_days = models.PositiveSmallIntegerField(
        "ยื่นขอภายใน (วันนับจากวันที่เกิดเหตุ)", null=True, blank=True
    )
    valid_from = models.DateField("มีผลตั้งแต่")
    valid_until = models.DateField("สิ้นสุด", null=True, blank=True)
    annual_budget = MoneyField("งบประมาณต่อปีบัญชี (บาท)", null=True, blank=True, help_text="ว่าง = ไม่จำกัด")
    requires_documents = models.TextField("เอกสารประกอบ", blank=True)
    is_active = models.BooleanField("เปิดรับคำขอ", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "ประเภทสวัสดิการ"
        verbose_name_plural = "ประเภทสวัสดิการ"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="welfare_scheme_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SchemeAmount(models.Model):
    """A row of a scheme's amount table (ตารางจำนวนเงินตามระดับ), e.g. ประถม 1,000 / มัธยม 1,500."""

    scheme = models.ForeignKey(WelfareScheme, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField("รหัสระดับ", max_length=20)
    label = models.CharField("ระดับ", max_length=100)
    amount = MoneyField("จำนวนเงิน (บาท)", validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField("ลำดับ", default=0)

    class Meta:
        ordering = ["scheme", "position", "id"]
        verbose_name = "จำนวนเงินตามระดับ"
        verbose_name_plural = "จำนวนเงินตามระดับ"
        constraints = [models.UniqueConstraint(fields=["scheme", "level"], name="welfare_level_unique")]

    def __str__(self) -> str:
        return f"{self.label} {self.amount:,.2f}"


class Relation(models.TextChoices):
    SELF = "self", "สมาชิกเอง"
    CHILD = "child", "บุตร"
    SPOUSE = "spouse", "คู่สมรส"
    PARENT = "parent", "บิดา/มารดา"
    HEIR = "heir", "ทายาท/ผู้รับประโยชน์"
    OTHER = "other", "อื่น ๆ"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "รออนุมัติ"
    APPROVED = "approved", "อนุมัติแล้ว รอจ่าย"
    REJECTED = "rejected", "ไม่อนุมัติ"
    PAID = "paid", "จ่ายแล้ว"
    REVERSED = "reversed", "กลับรายการแล้ว"


# The claims that use up a limit or the budget: everything not refused or undone.
COUNTING_STATUSES = (ClaimStatus.PENDING, ClaimStatus.APPROVED, ClaimStatus.PAID)


class PaymentMethod(models.TextChoices):
    CASH = "cash", "เงินสด"
    BANK = "bank", "โอนเข้าบัญชีธนาคาร"
    DEPOSIT = "deposit", "เข้าบัญชีเงินฝากสหกรณ์"


class WelfareClaim(MakerChecker):
    """A claim (คำขอรับสวัสดิการ) on a scheme, from application to payment.

    Recorded by one person and approved by another (``MakerChecker``: ``checks`` keeps the rule
    results shown to the approver, as run when applied for and again when approved).
    ``deposit_account_id`` is the deposits app's account id (a plain column until that app has
    its model; the payment goes through its service, which owns the account).
    """

    # None: written by a system job (the data generator, a migration from the old books).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    scheme = models.ForeignKey(WelfareScheme, on_delete=models.PROTECT, related_name="claims")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="welfare_claims")
    beneficiary_name = models.CharField("ชื่อผู้รับประโยชน์", max_length=200, blank=True)
    beneficiary_relation = models.CharField(
        "ความเกี่ยวพัน", max_length=10, choices=Relation.choices, default=Relation.SELF
    )
    event_date = models.DateField("วันที่เกิดเหตุ")
    applied_on = models.DateField("วันที่ยื่นคำขอ")
    level = models.CharField("ระดับ", max_length=20, blank=True)
    days = models.PositiveSmallIntegerField("จำนวนวัน", null=True, blank=True)
    amount = MoneyField("จำนวนเงิน (บาท)")
    note = models.CharField("หมายเหตุ", max_length=300, blank=True)
    status = models.CharField(
        "สถานะ", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    paid_on = models.DateField("วันที่จ่าย", null=True, blank=True)
    payment_method = models.CharField("วิธีจ่าย", max_length=10, choices=PaymentMethod.choices, blank=True)
    deposit_account_id = models.BigIntegerField("บัญชีเงินฝาก", null=True, blank=True)
    # The fund it was paid from, kept as paid: a later change of the scheme's fund moves no history.
    fund_role = models.CharField("จ่ายจากทุน", max_length=20, choices=FundRole.choices, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="welfare_claims"
    )
    reversed_on = models.DateField("วันที่กลับรายการ", null=True, blank=True)
    reversal_reason = models.CharField("เหตุผลที่กลับรายการ", max_length=200, blank=True)
    reversal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    approve_permission = "welfare.approve_welfareclaim"
    # The shared decision messages read "คำขอเลขที่ 12 …", "ผู้อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ …".
    decision_noun = "คำขอ"

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = "คำขอรับสวัสดิการ"
        verbose_name_plural = "คำขอรับสวัสดิการ"
        permissions = [
            ("approve_welfareclaim", "อนุมัติคำขอรับสวัสดิการ"),
            ("pay_welfareclaim", "จ่ายเงินสวัสดิการ"),
            ("reverse_welfareclaim", "กลับรายการจ่ายสวัสดิการ"),
        ]
        indexes = [
            models.Index(fields=["member", "scheme", "applied_on"]),
            models.Index(fields=["status", "applied_on"]),
            models.Index(fields=["scheme", "paid_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="welfare_claim_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "reversed"])
                | (Q(journal_entry__isnull=False) & Q(paid_on__isnull=False)),
                name="welfare_paid_claim_has_voucher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.member.number} {self.amount:,.2f}"
