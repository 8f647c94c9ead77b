"""Loans and guarantees (เงินกู้และการค้ำประกัน): products and their rules, applications with
guarantors, contracts with a stored schedule, and the loan transactions (the sub-ledger).

Loan transactions link to their journal entry and are never updated or deleted; the loan
receivable control accounts (loan_emergency / loan_ordinary / loan_special) equal their sum.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sahakorn.core.approvals import MakerChecker
from sahakorn.core.interest import DayBasis
from sahakorn.core.money import MoneyField, Rounding


class LoanFamily(models.TextChoices):
    EMERGENCY = "emergency", "เงินกู้ฉุกเฉิน"
    ORDINARY = "ordinary", "เงินกู้สามัญ"
    SPECIAL = "special", "เงินกู้พิเศษ"


class RepaymentStyle(models.TextChoices):
    EQUAL_PRINCIPAL = "equal_principal", "คงต้น (ต้นเท่ากันทุกงวด)"
    EQUAL_INSTALLMENT = "equal_installment", "คงยอด (ผ่อนเท่ากันทุกงวด)"


ROUNDING_CHOICES = [(r.value, r.label_th) for r in Rounding]


class LoanProduct(models.Model):
    """A loan product (ประเภทเงินกู้). Its money-changing settings live in ``LoanProductRules`` versions."""

    code = models.CharField("รหัส", max_length=10, unique=True)
    name = models.CharField("ชื่อประเภทเงินกู้", max_length=200)
    family = models.CharField("กลุ่ม", max_length=20, choices=LoanFamily.choices)
    is_active = models.BooleanField("เปิดให้กู้", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "ประเภทเงินกู้"
        verbose_name_plural = "ประเภทเงินกู้"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def gl_role(self) -> str:
        return f"loan_{self.family}"

    @property
    def interest_income_role(self) -> str:
        return f"interest_income_{self.family}"


class LoanProductRules(models.Model):
    """One effective-dated version of a product's rules (อัตราดอกเบี้ยและหลักเกณฑ์), never edited."""

    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="rules")
    effective_from = models.DateField("มีผลตั้งแต่")
    annual_rate = models.DecimalField("อัตราดอกเบี้ยต่อปี (%)", max_digits=6, decimal_places=3)
    max_amount = MoneyField("วงเงินกู้สูงสุด (บาท)")
    max_installments = models.PositiveSmallIntegerField("ผ่อนได้สูงสุด (งวด)")
    repayment_style = models.CharField("วิธีผ่อนชำระ", max_length=20, choices=RepaymentStyle.choices)
    installment_rounding = models.CharField(
        "ปัดค่างวด/เงินต้นต่องวด", max_length=20, choices=ROUNDING_CHOICES, default=Rounding.TEN_BAHT_UP
    )
    interest_rounding = models.CharField(
        "ปัดดอกเบี้ย", max_length=20, choices=ROUNDING_CHOICES, default=Rounding.SATANG_HALF_UP
    )
    earns_average_return = models.BooleanField("ได้รับเงินเฉลี่ยคืน", default=True)
    day_basis = models.CharField(
        "ฐานจำนวนวันต่อปี", max_length=10, choices=DayBasis.choices, blank=True,
        help_text="เว้นว่าง = ตามที่สหกรณ์กำหนด",
    )  # fmt: skip
    # Eligibility (หลักเกณฑ์การกู้); empty = the rule is not used by this product
    salary_multiple = models.DecimalField(
        "กู้ได้ไม่เกินกี่เท่าของเงินเดือน", max_digits=6, decimal_places=2, null=True, blank=True
    )
    min_share_percent = models.DecimalField(
        "ต้องมีทุนเรือนหุ้นอย่างน้อยร้อยละของเงินกู้", max_digits=5, decimal_places=2, null=True, blank=True
    )
    own_funds_percent = models.DecimalField(
        "กู้ได้ไม่เกินร้อยละของหุ้น+เงินฝากของตนเอง", max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_membership_months = models.PositiveSmallIntegerField("เป็นสมาชิกอย่างน้อย (เดือน)", null=True, blank=True)
    net_pay_min_percent = models.DecimalField(
        "เงินเดือนคงเหลือหลังหักต้องไม่น้อยกว่าร้อยละ", max_digits=5, decimal_places=2, null=True, blank=True
    )
    net_pay_min_amount = MoneyField("และไม่น้อยกว่า (บาท)", null=True, blank=True)
    max_age_at_end = models.PositiveSmallIntegerField("อายุเมื่อผ่อนงวดสุดท้ายไม่เกิน (ปี)", null=True, blank=True)
    max_missed_installments = models.PositiveSmallIntegerField(
        "ขาดชำระค่างวดในปีบัญชีได้ไม่เกิน (งวด)", null=True, blank=True,
        help_text="นับงวดที่ขาดชำระของทุกสัญญาในปีบัญชีของวันที่ยื่นคำขอ; เว้นว่าง = ไม่ใช้",
    )  # fmt: skip
    member_types = models.CharField("ประเภทสมาชิกที่กู้ได้", max_length=50, default="ordinary,associate")
    note = models.CharField("เหตุผล/มติ", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_from"], name="loan_rules_one_version_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.product.code} ตั้งแต่ {self.effective_from}"


class GuarantorBand(models.Model):
    """Guarantors required by loan amount (จำนวนผู้ค้ำตามวงเงิน): amount up to X → N guarantors."""

    rules = models.ForeignKey(LoanProductRules, on_delete=models.CASCADE, related_name="guarantor_bands")
    amount_up_to = MoneyField("วงเงินไม่เกิน (บาท)", null=True, blank=True, help_text="เว้นว่าง = ขึ้นไป")
    guarantors = models.PositiveSmallIntegerField("จำนวนผู้ค้ำ (คน)")

    class Meta:
        ordering = ["rules", models.F("amount_up_to").asc(nulls_last=True)]

    def __str__(self) -> str:
        return f"≤ {self.amount_up_to} → {self.guarantors}"


class GuaranteeRules(models.Model):
    """The coop-wide guarantor rules (ระเบียบการค้ำประกัน), effective-dated versions."""

    effective_from = models.DateField("มีผลตั้งแต่", unique=True)
    max_contracts_per_guarantor = models.PositiveSmallIntegerField("ค้ำได้ไม่เกิน (สัญญา)", default=3)
    max_amount_per_guarantor = MoneyField("ค้ำรวมได้ไม่เกิน (บาท)", null=True, blank=True)
    min_membership_months = models.PositiveSmallIntegerField("ผู้ค้ำเป็นสมาชิกอย่างน้อย (เดือน)", default=12)
    member_types = models.CharField("ประเภทสมาชิกที่ค้ำได้", max_length=50, default="ordinary")
    forbid_spouse = models.BooleanField("ห้ามคู่สมรสค้ำ", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"ระเบียบการค้ำประกัน ตั้งแต่ {self.effective_from}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "รออนุมัติ"
    APPROVED = "approved", "อนุมัติแล้ว รอจ่ายเงินกู้"
    REJECTED = "rejected", "ไม่อนุมัติ"
    DISBURSED = "disbursed", "จ่ายเงินกู้แล้ว"
    CANCELLED = "cancelled", "ยกเลิก"


class LoanApplication(MakerChecker):
    """A loan application (คำขอกู้) with its guarantors and the eligibility checks shown to the approver.

    Recorded by an officer and decided by a manager who did not record it (``core.approvals``).
    """

    approve_permission = "loans.approve_loanapplication"
    decision_noun = "คำขอกู้"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="loan_applications")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="applications")
    amount = MoneyField("จำนวนเงินขอกู้")
    installments = models.PositiveSmallIntegerField("จำนวนงวด")
    applied_on = models.DateField("วันที่ยื่นคำขอ")
    purpose = models.CharField("วัตถุประสงค์", max_length=300, blank=True)
    refinance = models.ForeignKey(
        "LoanContract", on_delete=models.PROTECT, null=True, blank=True, related_name="refinanced_by_applications",
        verbose_name="หักกลบสัญญาเดิม",
    )  # fmt: skip
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        permissions = [("approve_loanapplication", "อนุมัติคำขอกู้")]

    def __str__(self) -> str:
        return f"คำขอกู้ {self.product.code} {self.member.number} {self.amount}"


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "ปกติ"
    CLOSED = "closed", "ปิดสัญญาแล้ว"


class LoanContract(models.Model):
    """A loan contract (สัญญาเงินกู้). ``principal_balance`` is a cache of its transactions' principal."""

    number = models.CharField("เลขที่สัญญา", max_length=20, unique=True)
    application = models.OneToOneField(LoanApplication, on_delete=models.PROTECT, related_name="contract")
    # No index of their own: (member, status) and (product, status) serve them. Every active contract
    # is updated each payroll month (300,000 at 100,000 members), and on PostgreSQL its pages are
    # filled half (migration 0010) so that update is HOT: no index entry written, no page moved.
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="loan_contracts", db_index=False
    )
    product = models.ForeignKey(
        LoanProduct, on_delete=models.PROTECT, related_name="contracts", db_index=False
    )
    amount = MoneyField("วงเงินกู้")
    annual_rate = models.DecimalField("อัตราดอกเบี้ย (%)", max_digits=6, decimal_places=3)
    repayment_style = models.CharField(max_length=20, choices=RepaymentStyle.choices)
    installments = models.PositiveSmallIntegerField("จำนวนงวด")
    installment_amount = MoneyField("ค่างวด", help_text="คงยอด: ค่างวดรวม; คงต้น: เงินต้นต่องวด")
    disbursed_on = models.DateField("วันที่จ่ายเงินกู้")
    first_due = models.DateField("งวดแรก")
    interest_paid_to = models.DateField("คิดดอกเบี้ยถึงวันที่")
    principal_balance = MoneyField("เงินต้นคงเหลือ")
    # Interest charged to ``interest_paid_to`` that a receipt did not cover; collected first next time.
    interest_arrears = MoneyField("ดอกเบี้ยค้างชำระ", default=0, db_default=0)
    status = models.CharField(max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    refinanced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    guarantor_replacement_needed = models.BooleanField("ต้องเปลี่ยนผู้ค้ำ", default=False)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["product", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(principal_balance__gte=0), name="loan_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.member.number}"


class InstallmentPolicy(models.TextChoices):
    KEEP = "keep", "คงค่างวดเดิม (เงินต้นต่องวดเปลี่ยน)"
    RECOMPUTE = "recompute", "คำนวณค่างวดใหม่ตามงวดที่เหลือ"


class LoanContractRate(models.Model):
    """The contract's rate from a day on (อัตราดอกเบี้ยของสัญญา): its effective-dated history.

    The first row is the rate at disbursement; each rate resolution adds one. Interest over days
    that span a change is computed piece by piece; ``LoanContract.annual_rate`` caches the latest.
    Never edited or deleted.
    """

    contract = models.ForeignKey(LoanContract, on_delete=models.PROTECT, related_name="rates")
    effective_from = models.DateField("มีผลตั้งแต่")
    annual_rate = models.DecimalField("อัตราดอกเบี้ยต่อปี (%)", max_digits=6, decimal_places=3)
    installment_policy = models.CharField(
        "ค่างวด", max_length=10, choices=InstallmentPolicy.choices, default=InstallmentPolicy.KEEP
    )
    reason = models.CharField("เหตุผล/มติ", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "effective_from"], name="loan_contract_one_rate_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.annual_rate}% ตั้งแต่ {self.effective_from}"


class Guarantee(models.Model):
    """A member guaranteeing a contract or an application (ผู้ค้ำประกัน); ended when replaced or closed."""

    application = models.ForeignKey(LoanApplication, on_delete=models.PROTECT, related_name="guarantees")
    contract = models.ForeignKey(
        LoanContract, on_delete=models.PROTECT, null=True, blank=True, related_name="guarantees"
    )
    guarantor = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="guarantees_given")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["application", "id"]
        indexes = [models.Index(fields=["guarantor", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.guarantor.number} ค้ำ {self.application_id}"


class ScheduledInstallment(models.Model):
    """A row of the stored repayment schedule (ตารางผ่อนชำระ); replaced (superseded) on a rate change."""

    contract = models.ForeignKey(LoanContract, on_delete=models.PROTECT, related_name="schedule")
    number = models.PositiveSmallIntegerField("งวดที่")
    due_date = models.DateField("วันครบกำหนด")
    principal = MoneyField("เงินต้น")
    interest = MoneyField("ดอกเบี้ย")
    payment = MoneyField("ค่างวด")
    closing_balance = MoneyField("เงินต้นคงเหลือ")
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "number", "id"]
        indexes = [models.Index(fields=["contract", "due_date"])]

    def __str__(self) -> str:
        return f"{self.contract.number} งวด {self.number}"


class LoanTxKind(models.TextChoices):
    DISBURSEMENT = "disbursement", "จ่ายเงินกู้"
    PAYMENT = "payment", "ชำระ"
    ACCRUAL = "accrual", "ดอกเบี้ยค้างรับ"
    NETTING = "netting", "หักกลบหนี้"
    REVERSAL = "reversal", "กลับรายการ"
    OPENING = "opening", "ยอดยกมา"
    ACCRUAL_REVERSAL = "accrual_reversal", "กลับรายการดอกเบี้ยค้างรับ"
    REFUND = "refund", "คืนดอกเบี้ย"


class LoanTransaction(models.Model):
    """One movement of a contract (รายการเงินกู้): principal and interest as separate signed figures.

    ``principal`` raises (+) or lowers (−) the balance; ``interest`` is interest received (a payment,
    netting), accrued (an accrual), or given back (a refund, −). ``interest_arrears`` is interest
    charged to ``interest_to`` that the receipt did not cover (+), or earlier such interest it
    collected (−). Never updated or deleted.
    """

    # Indexes: (contract, date) serves a contract's rows, so the foreign keys to the contract and to
    # the user who wrote a row get none of their own: a month's payroll inserts 300,000 rows into ten
    # million, and each index is a page written at random for every one of them.
    contract = models.ForeignKey(
        LoanContract, on_delete=models.PROTECT, related_name="transactions", db_index=False
    )
    date = models.DateField("วันที่")
    kind = models.CharField(max_length=20, choices=LoanTxKind.choices)
    channel = models.CharField(max_length=20, blank=True)
    principal = MoneyField("เงินต้น", default=0)
    interest = MoneyField("ดอกเบี้ย", default=0)
    interest_arrears = MoneyField("ดอกเบี้ยค้างชำระ", default=0, db_default=0)
    interest_from = models.DateField(null=True, blank=True)
    interest_to = models.DateField(null=True, blank=True)
    installment_number = models.PositiveSmallIntegerField(null=True, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="loan_transactions"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    memo = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "date", "id"]
        indexes = [
            # What was written since a billing freeze (``Loans.billing_changed``): a month's new rows.
            models.Index(fields=["created_at"], name="loans_tx_created_idx"),
            models.Index(fields=["contract", "date"]),
            models.Index(fields=["date", "kind"]),
            # The accrual run reads each contract's latest period accrued with one index seek.
            models.Index(fields=["contract", "kind", "interest_to"], name="loans_tx_accrued_period_idx"),
            # The principal each contract was advanced (one or two rows a contract among millions): what
            # it has repaid is that less its balance (``loan_billing_demand_rows``), read from the index.
            models.Index(
                fields=["contract", "principal"],
                condition=Q(kind__in=[LoanTxKind.DISBURSEMENT.value, LoanTxKind.OPENING.value]),
                name="loans_tx_advanced_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_kind_display()} {self.principal}/{self.interest}"


class AccrualRun(models.Model):
    """A month-end interest accrual run (คำนวณดอกเบี้ยค้างรับสิ้นเดือน), once per month-end."""

    period_end = models.DateField(unique=True)
    contracts = models.PositiveIntegerField(default=0)
    amount = MoneyField(default=0)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, related_name="+"
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["-period_end"]

    def __str__(self) -> str:
        return f"ดอกเบี้ยค้างรับ {self.period_end}"


class LoanEventKind(models.TextChoices):
    APPROVED = "approved", "อนุมัติเงินกู้"
    REJECTED = "rejected", "ไม่อนุมัติคำขอกู้"
    DISBURSED = "disbursed", "จ่ายเงินกู้"
    GUARANTOR_LEFT = "guarantor_left", "ผู้ค้ำพ้นสมาชิกภาพ ต้องเปลี่ยนผู้ค้ำ"
    GUARANTOR_REPLACED = "guarantor_replaced", "เปลี่ยนผู้ค้ำแล้ว"
    CLOSED = "closed", "ปิดสัญญา"
    RATE_CHANGED = "rate_changed", "เปลี่ยนอัตราดอกเบี้ย"
    INTEREST_REFUNDED = "interest_refunded", "คืนดอกเบี้ย"


class LoanEvent(models.Model):
    """Something a member must be told about their loan (เหตุการณ์เงินกู้ที่ต้องแจ้งสมาชิก).

    Written by the loan services in the same transaction as the change, so an event exists exactly
    when the change committed: the notifications app reads the rows with no ``notified_at`` (a
    durable outbox) and marks them sent. ``message`` is the Thai text ready for SMS/LINE.
    """

    kind = models.CharField(max_length=30, choices=LoanEventKind.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="loan_events", verbose_name="แจ้งสมาชิก"
    )
    application = models.ForeignKey(
        LoanApplication, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    contract = models.ForeignKey(
        LoanContract, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    guarantor = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.CharField("ข้อความ", max_length=500)
    occurred_on = models.DateField("วันที่")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["notified_at", "id"]),
            models.Index(fields=["member", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member_id}"
