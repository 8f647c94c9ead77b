"""The funeral aid association (สมาคมฌาปนกิจสงเคราะห์): its rules, members, beneficiaries, dues and claims.

The coop runs the association's books on its behalf. Everything the coop receives for the
association (entrance fees, dues) is the association's money, so the coop's general ledger holds
it in one liability, ``funeral_dues_collected`` (เงินสงเคราะห์ศพรับแทนสมาคม), and everything it
pays out for the association (death payouts to beneficiaries, remittances of the association's
admin fee) comes out of that liability. Nothing here is the coop's income or expense.

The sub-ledger rows that move money (entrance fees on memberships, collected dues, payouts,
remittances) each link to their journal entry, and ``sahakorn funeral check`` proves that
fees + dues collected − payouts − remittances equals the GL balance of the liability.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sahakorn.core.approvals import MakerChecker
from sahakorn.core.money import MoneyField


class DuesMode(models.TextChoices):
    PER_DEATH = "per_death", "เรียกเก็บเมื่อมีสมาชิกเสียชีวิต (รายศพ)"
    ANNUAL = "annual", "เรียกเก็บรายปี"


class PayoutBasis(models.TextChoices):
    COLLECTED = "collected", "เงินสงเคราะห์ที่เก็บได้สำหรับศพนั้น หักค่าดำเนินการ"
    FIXED = "fixed", "จำนวนคงที่ต่อศพ"


class FuneralSettings(models.Model):
    """One version of the association's rules (ระเบียบสมาคม), in force from ``effective_from``.

    Versions are never edited; a change is a new version. A claim is paid under the version in
    force on the death date, a levy uses the version in force on its date.

    Payout rule (what a death claim pays its beneficiaries):

    - ``collected``: the dues collected for that death's levy, less ``admin_fee_percent`` of them
      (rounded to satang half-up), capped at ``max_payout``;
    - ``fixed``: ``fixed_payout``, capped at ``max_payout``.

    The admin fee is the association's, not the coop's: it stays in the liability until the coop
    remits it to the association (``funeral_remittance_record``).
    """

    effective_from = models.DateField("มีผลตั้งแต่", unique=True)
    dues_mode = models.CharField(
        "วิธีเรียกเก็บ", max_length=10, choices=DuesMode.choices, default=DuesMode.PER_DEATH
    )
    per_death_amount = MoneyField("เงินสงเคราะห์ต่อศพต่อคน (บาท)", default=0)
    annual_amount = MoneyField("เงินสงเคราะห์รายปีต่อคน (บาท)", default=0)
    entrance_fee = MoneyField("ค่าสมัครสมาชิกสมาคม (บาท)", default=0)
    payout_basis = models.CharField(
        "หลักการจ่ายเงินสงเคราะห์", max_length=10, choices=PayoutBasis.choices, default=PayoutBasis.COLLECTED
    )
    admin_fee_percent = models.DecimalField(
        "ค่าดำเนินการของสมาคม (ร้อยละ)",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    fixed_payout = MoneyField("เงินสงเคราะห์คงที่ต่อศพ (บาท)", null=True, blank=True)
    max_payout = MoneyField("จ่ายสูงสุดต่อศพ (บาท)", null=True, blank=True, help_text="เว้นว่าง = ไม่จำกัด")
    note = models.CharField("เหตุผล/มติที่ประชุม", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "ระเบียบสมาคมฌาปนกิจ (ฉบับ)"
        verbose_name_plural = "ระเบียบสมาคมฌาปนกิจ"

    def __str__(self) -> str:
        from sahakorn.core.thai import format_be_date

        return f"ระเบียบสมาคมฌาปนกิจ มีผล {format_be_date(self.effective_from)}"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "เป็นสมาชิก"
    ENDED = "ended", "สิ้นสภาพ"


class EndReason(models.TextChoices):
    DEATH = "death", "ถึงแก่กรรม"
    RESIGNATION = "resignation", "ลาออก"
    OTHER = "other", "อื่น ๆ"


class FuneralMembership(models.Model):
    """A coop member's membership of the association (สมาชิกสมาคมฌาปนกิจ); one per member.

    ``entrance_fee`` is what was received at enrolment, with its voucher (the association's money).
    """

    member = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="funeral_membership",
        verbose_name="สมาชิกสหกรณ์",
    )
    number = models.CharField("เลขทะเบียนสมาคม", max_length=10, unique=True)
    joined_on = models.DateField("วันที่เป็นสมาชิกสมาคม")
    status = models.CharField(
        "สถานะ", max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    ended_on = models.DateField("วันที่สิ้นสภาพ", null=True, blank=True)
    end_reason = models.CharField("เหตุที่สิ้นสภาพ", max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField("หมายเหตุ", max_length=300, blank=True)
    entrance_fee = MoneyField("ค่าสมัคร (บาท)", default=0)
    entrance_fee_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "สมาชิกสมาคมฌาปนกิจ"
        verbose_name_plural = "สมาชิกสมาคมฌาปนกิจ"
        indexes = [models.Index(fields=["status", "joined_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True)
                | Q(status="ended", ended_on__isnull=False),
                name="funeral_membership_end_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"ฌาปนกิจ {self.number}"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class FuneralBeneficiary(models.Model):
    """A person named to receive the payout (ผู้รับผลประโยชน์) and their share of it, in percent.

    A change of beneficiaries replaces the whole list: the old rows are kept (a payout may point
    at them) with ``replaced_at`` set, so the list in force is the rows where it is empty.
    """

    membership = models.ForeignKey(FuneralMembership, on_delete=models.PROTECT, related_name="beneficiaries")
    position = models.PositiveSmallIntegerField("ลำดับ")
    name = models.CharField("ชื่อ-สกุล", max_length=200)
    relation = models.CharField("ความเกี่ยวพัน", max_length=50)
    national_id = models.CharField("เลขประจำตัวประชาชน", max_length=13, blank=True)
    phone = models.CharField("โทรศัพท์", max_length=16, blank=True)
    share_percent = models.DecimalField(
        "สัดส่วน (ร้อยละ)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["membership", "position", "id"]
        verbose_name = "ผู้รับผลประโยชน์"
        verbose_name_plural = "ผู้รับผลประโยชน์"
        indexes = [models.Index(fields=["membership", "replaced_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation}) {self.share_percent}%"


class LevyKind(models.TextChoices):
    PER_DEATH = "per_death", "เงินสงเคราะห์รายศพ"
    ANNUAL = "annual", "เงินสงเคราะห์รายปี"


class LevyStatus(models.TextChoices):
    OPEN = "open", "กำลังเรียกเก็บ"
    CLOSED = "closed", "ปิดการเรียกเก็บ"


class FuneralLevy(models.Model):
    """A call for dues (การเรียกเก็บเงินสงเคราะห์) from every active association member, and its run record.

    Per death: one per approved claim. Annual: one per calendar ``year``. Creating it writes one
    ``FuneralDue`` per member called, set-based; ``members``/``total_amount`` are the run's totals.
    """

    kind = models.CharField("ประเภท", max_length=10, choices=LevyKind.choices)
    levied_on = models.DateField("วันที่เรียกเก็บ")
    year = models.PositiveSmallIntegerField("ปี (ค.ศ.) ของการเรียกเก็บรายปี", null=True, blank=True)
    amount_per_member = MoneyField("จำนวนเงินต่อคน (บาท)")
    claim = models.OneToOneField(
        "DeathClaim", on_delete=models.PROTECT, null=True, blank=True, related_name="levy", verbose_name="ศพ"
    )
    status = models.CharField("สถานะ", max_length=10, choices=LevyStatus.choices, default=LevyStatus.OPEN)
    members = models.PositiveIntegerField("จำนวนสมาชิกที่เรียกเก็บ", default=0)
    total_amount = MoneyField("ยอดเรียกเก็บรวม (บาท)", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seconds = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["-levied_on", "-id"]
        verbose_name = "การเรียกเก็บเงินสงเคราะห์"
        verbose_name_plural = "การเรียกเก็บเงินสงเคราะห์"
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(kind="annual"), name="funeral_one_annual_levy"
            ),
            models.CheckConstraint(
                condition=Q(kind="annual", year__isnull=False, claim__isnull=True)
                | Q(kind="per_death", claim__isnull=False),
                name="funeral_levy_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        from sahakorn.core.thai import format_be_date

        return f"{self.get_kind_display()} {format_be_date(self.levied_on)}"


class Channel(models.TextChoices):
    PAYROLL = "payroll", "หักเงินเดือน"
    COUNTER = "counter", "เงินสด (เคาน์เตอร์)"
    TRANSFER = "transfer", "โอนเงินเข้าบัญชีสหกรณ์"


class DueQuerySet(models.QuerySet):
    """A due is paid either on its own row (the counter, a levy collected whole: ``collected_on`` and the
    voucher filled in) or by a payroll collection naming its member and its levy (``PayrollCollection``:
    a month's billing pays some fifty dues a member, and writing a record per member instead of
    marking five million rows is what keeps month-end posting short). These are the three questions
    every reader asks."""

    def outstanding(self) -> "DueQuerySet":
        return self.filter(collected_on__isnull=True).exclude(_paid_by_payroll())

    def paid(self) -> "DueQuerySet":
        return self.filter(due_is_paid())

    def with_payment(self) -> "DueQuerySet":
        """Each due with how payroll paid it (``payroll_on``, ``payroll_entry_id``,
        ``payroll_voucher``), for the lists that show a due's date and voucher (``FuneralDue.paid_on``)."""
        received = PayrollCollectionMember.objects.filter(
            membership_id=models.OuterRef("membership_id"),
            collection__levies__levy_id=models.OuterRef("levy_id"),
        ).order_by("collection_id")[:1]
        return self.annotate(
            payroll_on=models.Subquery(received.values("collection__collected_on")),
            payroll_entry_id=models.Subquery(received.values("journal_entry_id")),
            payroll_voucher_no=models.Subquery(received.values("journal_entry__voucher_no")),
            payroll_voucher_year=models.Subquery(received.values("journal_entry__fiscal_year__year_be")),
        )


def due_is_paid() -> Q:
    """The condition "this due is paid", for a filter or an aggregate's ``filter=``."""
    return Q(collected_on__isnull=False) | _paid_by_payroll()


def _paid_by_payroll() -> Q:
    return Q(
        models.Exists(
            PayrollCollectionMember.objects.filter(
                membership_id=models.OuterRef("membership_id"),
                collection__levies__levy_id=models.OuterRef("levy_id"),
            )
        )
    )


class FuneralDue(models.Model):
    """One member's dues for one levy (เงินสงเคราะห์ที่ต้องชำระ), and its collection once received.

    Created uncollected. A collection at the counter fills ``collected_on``, ``channel`` and
    ``journal_entry`` once, and a collected row never changes again (a database trigger refuses);
    billing's payroll receipts leave the row as it is and write a ``PayrollCollection`` instead.
    Ask ``FuneralDue.objects.outstanding()`` / ``.paid()``, never ``collected_on`` alone.
    """

    # Indexes: the (levy, membership) unique constraint serves a levy's dues, the membership index a
    # member's. Nothing written by a collection is indexed (migration 0006); billing no longer writes
    # these rows at all (``PayrollCollection``, migration 0007).
    levy = models.ForeignKey(FuneralLevy, on_delete=models.PROTECT, related_name="dues", db_index=False)
    membership = models.ForeignKey(FuneralMembership, on_delete=models.PROTECT, related_name="dues")
    amount = MoneyField("จำนวนเงิน")
    collected_on = models.DateField("วันที่ชำระ", null=True, blank=True)
    channel = models.CharField("ช่องทาง", max_length=10, choices=Channel.choices, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funeral_dues",
        db_index=False,
    )

    objects = DueQuerySet.as_manager()

    class Meta:
        ordering = ["levy", "membership"]
        verbose_name = "เงินสงเคราะห์รายคน"
        verbose_name_plural = "เงินสงเคราะห์รายคน"
        constraints = [
            models.UniqueConstraint(fields=["levy", "membership"], name="funeral_one_due_per_levy_member"),
            models.CheckConstraint(
                condition=Q(collected_on__isnull=True, journal_entry__isnull=True)
                | Q(collected_on__isnull=False, journal_entry__isnull=False),
                name="funeral_due_collected_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.levy_id}/{self.membership_id} {self.amount}"

    # Read from a queryset's ``with_payment()``: paid at the counter (the row) or by payroll.
    @property
    def paid_on(self):
        return self.collected_on or getattr(self, "payroll_on", None)

    @property
    def paid_entry_id(self) -> int | None:
        return self.journal_entry_id or getattr(self, "payroll_entry_id", None)

    @property
    def paid_voucher(self) -> str:
        from sahakorn.ledger.models import voucher_label

        if self.journal_entry_id:
            return self.journal_entry.voucher_label
        return voucher_label(
            getattr(self, "payroll_voucher_year", None), getattr(self, "payroll_voucher_no", None)
        )


class PayrollCollection(models.Model):
    """Dues received through billing on one day (รับเงินสงเคราะห์ผ่านการหักเงินเดือน): the levies it took.

    Each member it names (``PayrollCollectionMember``) paid, with that voucher, every due of theirs on
    these levies that was still outstanding when it was posted: what the month's bill billed and
    the posting checked to the satang. The due rows are not touched (``DueQuerySet``). Never changed.
    """

    collected_on = models.DateField("วันที่รับ")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "การรับเงินสงเคราะห์ผ่านการหักเงินเดือน"
        verbose_name_plural = "การรับเงินสงเคราะห์ผ่านการหักเงินเดือน"

    def __str__(self) -> str:
        return f"{self.pk} {self.collected_on}"


class PayrollCollectionLevy(models.Model):
    collection = models.ForeignKey(PayrollCollection, on_delete=models.PROTECT, related_name="levies")
    levy = models.ForeignKey(FuneralLevy, on_delete=models.PROTECT, related_name="payroll_collections")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["levy", "collection"], name="funeral_payroll_levy_once"),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}/{self.levy_id}"


class PayrollCollectionMember(models.Model):
    """One member's dues paid by one payroll collection: how many, how much, and the voucher."""

    collection = models.ForeignKey(PayrollCollection, on_delete=models.PROTECT, related_name="members")
    membership = models.ForeignKey(
        FuneralMembership, on_delete=models.PROTECT, related_name="payroll_collections", db_index=False
    )
    dues = models.PositiveIntegerField("จำนวนรายการ")
    amount = MoneyField("จำนวนเงิน")
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry",
        on_delete=models.PROTECT,
        related_name="funeral_payroll_collections",
        db_index=False,
    )

    class Meta:
        constraints = [
            # Also the index every "is this due paid" question probes: membership, then collection.
            models.UniqueConstraint(fields=["membership", "collection"], name="funeral_payroll_member_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funeral_payroll_member_positive"),
        ]
        indexes = [models.Index(fields=["journal_entry"], name="funeral_payroll_member_entry")]

    def __str__(self) -> str:
        return f"{self.collection_id}/{self.membership_id} {self.amount}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "รออนุมัติ"
    APPROVED = "approved", "อนุมัติแล้ว รอจ่าย"
    PAID = "paid", "จ่ายแล้ว"
    REJECTED = "rejected", "ไม่อนุมัติ"


class PayoutMethod(models.TextChoices):
    CASH = "cash", "เงินสด"
    BANK = "bank", "โอนเข้าบัญชีธนาคาร"


class DeathClaim(MakerChecker):
    """A death claim (การขอรับเงินสงเคราะห์ศพ): recorded by an officer, approved by another person, paid.

    The maker-checker fields are ``MakerChecker``'s (``requested_by`` is None for rows written by a
    system job: the data generator, a migration from the association's books); ``checks`` stays
    empty, the association having no rule checks to show the approver. Approval ends the membership (death) and, under per-death dues, creates the death's levy.
    ``dues_collected``/``admin_fee``/``payout_total`` are fixed when the claim is paid.
    """

    # None: written by a system job (the data generator, a migration from the old books).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    membership = models.OneToOneField(FuneralMembership, on_delete=models.PROTECT, related_name="claim")
    death_date = models.DateField("วันที่ถึงแก่กรรม")
    reported_on = models.DateField("วันที่แจ้ง")
    note = models.CharField("หมายเหตุ", max_length=300, blank=True)
    status = models.CharField(
        "สถานะ", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    dues_collected = MoneyField("เงินสงเคราะห์ที่เก็บได้", null=True, blank=True)
    admin_fee = MoneyField("ค่าดำเนินการของสมาคม", null=True, blank=True)
    payout_total = MoneyField("เงินสงเคราะห์ที่จ่าย", null=True, blank=True)
    paid_on = models.DateField("วันที่จ่าย", null=True, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    approve_permission = "funeral.approve_deathclaim"
    # The shared decision messages read "การขอรับเงินสงเคราะห์ศพเลขที่ 3 …", "… ไม่มีสิทธิ์อนุมัติการขอรับเงินสงเคราะห์ศพ".
    decision_noun = "การขอรับเงินสงเคราะห์ศพ"

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = "การขอรับเงินสงเคราะห์ศพ"
        verbose_name_plural = "การขอรับเงินสงเคราะห์ศพ"
        permissions = [("approve_deathclaim", "อนุมัติการจ่ายเงินสงเคราะห์ศพ")]

    def __str__(self) -> str:
        return f"ศพ {self.membership.number}"


class FuneralPayout(models.Model):
    """One beneficiary's part of a claim's payout (การจ่ายเงินสงเคราะห์); the claim's rows share a voucher."""

    claim = models.ForeignKey(DeathClaim, on_delete=models.PROTECT, related_name="payouts")
    beneficiary = models.ForeignKey(FuneralBeneficiary, on_delete=models.PROTECT, related_name="payouts")
    share_percent = models.DecimalField("สัดส่วน (ร้อยละ)", max_digits=5, decimal_places=2)
    amount = MoneyField("จำนวนเงิน")
    method = models.CharField("วิธีจ่าย", max_length=10, choices=PayoutMethod.choices)
    paid_on = models.DateField("วันที่จ่าย")
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="funeral_payouts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "id"]
        verbose_name = "การจ่ายเงินสงเคราะห์"
        verbose_name_plural = "การจ่ายเงินสงเคราะห์"

    def __str__(self) -> str:
        return f"{self.beneficiary.name} {self.amount}"


class FuneralRemittance(models.Model):
    """Money the coop hands over to the association (นำส่งเงินให้สมาคม), e.g. its admin fees."""

    remitted_on = models.DateField("วันที่นำส่ง")
    amount = MoneyField("จำนวนเงิน")
    method = models.CharField(
        "วิธีนำส่ง", max_length=10, choices=PayoutMethod.choices, default=PayoutMethod.BANK
    )
    note = models.CharField("หมายเหตุ", max_length=300, blank=True)
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-remitted_on", "-id"]
        verbose_name = "การนำส่งเงินให้สมาคม"
        verbose_name_plural = "การนำส่งเงินให้สมาคม"

    def __str__(self) -> str:
        return f"นำส่ง {self.amount}"
