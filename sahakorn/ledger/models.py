"""General ledger (บัญชีแยกประเภททั่วไป): chart of accounts, fiscal years and periods, vouchers.

Posted entries and their lines are never updated or deleted (a correction is a reversal);
the services refuse it, and database triggers refuse it too (see migration 0002).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from sahakorn.core.money import MoneyField


class AccountCategory(models.TextChoices):
    ASSET = "asset", "สินทรัพย์"
    LIABILITY = "liability", "หนี้สิน"
    EQUITY = "equity", "ทุน"
    INCOME = "income", "รายได้"
    EXPENSE = "expense", "ค่าใช้จ่าย"


DEBIT_NORMAL = {AccountCategory.ASSET, AccountCategory.EXPENSE}


class Account(models.Model):
    """An account in the chart (ผังบัญชี). Only leaf accounts (no children) take postings."""

    code = models.CharField("รหัสบัญชี", max_length=12, unique=True)
    name_th = models.CharField("ชื่อบัญชี", max_length=200)
    name_en = models.CharField("ชื่อบัญชี (อังกฤษ)", max_length=200, blank=True)
    category = models.CharField("หมวด", max_length=10, choices=AccountCategory.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="บัญชีคุม"
    )
    is_active = models.BooleanField("ใช้งาน", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "บัญชี"
        verbose_name_plural = "ผังบัญชี"

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def is_debit_normal(self) -> bool:
        return self.category in DEBIT_NORMAL


class AccountRole(models.Model):
    """Which account plays a role the code posts to ("share_capital", "cash", …).

    Services post to roles, never to codes, so a coop that imports its own chart only
    re-points the roles. Seeded with the draft chart by migration.
    """

    key = models.SlugField("บทบาท", max_length=50, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="roles", verbose_name="บัญชี")
    description = models.CharField("คำอธิบาย", max_length=200, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "บัญชีตามบทบาท"
        verbose_name_plural = "บัญชีตามบทบาท"

    def __str__(self) -> str:
        return f"{self.key} → {self.account.code}"

    @property
    def is_locked(self) -> bool:
        """Whether the account the role points to (as saved) already has posted lines.

        Then the role stays on it, as a product's family or GL role stays once it has contracts or
        accounts: re-pointed, the next postings would go to another account while the balance stays
        on this one, and every check reading the role (``shares check`` on share_capital) would be off
        by the whole balance.
        """
        if self.pk is None:
            return False
        saved = AccountRole.objects.filter(pk=self.pk).values_list("account_id", flat=True).first()
        return (
            saved is not None
            and JournalLine.objects.filter(account_id=saved, entry__status=EntryStatus.POSTED).exists()
        )

    def clean(self) -> None:
        if not self.is_locked:
            return
        saved = AccountRole.objects.select_related("account").get(pk=self.pk)
        if (saved.key, saved.account_id) != (self.key, self.account_id):
            raise ValidationError(
                f"บทบาท {saved.key} ผูกกับบัญชี {saved.account} ซึ่งมีรายการผ่านแล้ว เปลี่ยนบทบาทหรือบัญชีไม่ได้ "
                "(ยอดเดิมจะค้างอยู่ที่บัญชีเดิม ส่วนรายการใหม่จะไปลงบัญชีอื่น)"
            )


class FiscalYear(models.Model):
    """A fiscal year (ปีบัญชี), named by the B.E. year in which it ends.

    ``last_voucher_no`` is the voucher counter: vouchers are numbered per year without gaps,
    allocated when an entry is posted (row lock on PostgreSQL).
    """

    year_be = models.PositiveIntegerField("ปีบัญชี (พ.ศ.)", unique=True)
    start_date = models.DateField("วันเริ่ม")
    end_date = models.DateField("วันสิ้นสุด")
    last_voucher_no = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year_be"]
        verbose_name = "ปีบัญชี"
        verbose_name_plural = "ปีบัญชี"

    def __str__(self) -> str:
        return f"ปีบัญชี {self.year_be}"


class FiscalPeriod(models.Model):
    """A month of a fiscal year (งวดบัญชี); once closed, nothing posts into it."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="periods")
    number = models.PositiveSmallIntegerField("งวดที่")
    start_date = models.DateField("วันเริ่ม")
    end_date = models.DateField("วันสิ้นสุด")
    closed_at = models.DateTimeField("ปิดงวดเมื่อ", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["start_date"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "number"], name="period_unique_number")]
        permissions = [("close_fiscalperiod", "ปิดงวดบัญชี")]

    def __str__(self) -> str:
        from sahakorn.core.thai import format_be_date

        return f"งวด {self.number}/{self.fiscal_year.year_be} ({format_be_date(self.start_date, 'month')})"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "ร่าง"
    POSTED = "posted", "ผ่านรายการแล้ว"


class EntrySource(models.TextChoices):
    """Which part of the system wrote the voucher (สมุดรายวันย่อย)."""

    MANUAL = "manual", "บันทึกด้วยมือ"
    MEMBERS = "members", "ทะเบียนสมาชิก"
    SHARES = "shares", "ทุนเรือนหุ้น"
    LOANS = "loans", "เงินกู้"
    DEPOSITS = "deposits", "เงินฝาก"
    WELFARE = "welfare", "สวัสดิการ"
    FUNERAL = "funeral", "สมาคมฌาปนกิจสงเคราะห์"
    BILLING = "billing", "เรียกเก็บรายเดือน"
    DIVIDENDS = "dividends", "ปันผล-เฉลี่ยคืน"
    OPENING = "opening", "ยอดยกมา"
    REVERSAL = "reversal", "กลับรายการ"


def voucher_label(year_be: int | None, voucher_no: int | None) -> str:
    """JV2569-000123 from a voucher's fiscal year and number read as plain values (an annotation);
    empty when there is none."""
    if year_be is None or voucher_no is None:
        return ""
    return f"JV{year_be}-{voucher_no:06d}"


class JournalEntry(models.Model):
    """A voucher (ใบสำคัญ) in the general journal: balanced lines on one date."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="entries")
    period = models.ForeignKey(FiscalPeriod, on_delete=models.PROTECT, related_name="entries")
    voucher_no = models.PositiveIntegerField("เลขที่ใบสำคัญ", null=True, blank=True)
    date = models.DateField("วันที่")
    description = models.CharField("คำอธิบาย", max_length=300)
    source = models.CharField("ที่มา", max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL)
    status = models.CharField("สถานะ", max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    # The voucher this one reverses; set on the reversal, so the original row never changes.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "voucher_no", "id"]
        verbose_name = "ใบสำคัญ"
        verbose_name_plural = "สมุดรายวันทั่วไป"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "voucher_no"], name="voucher_unique_per_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(voucher_no__isnull=False, posted_at__isnull=False),
                name="posted_entry_has_voucher",
            ),
        ]
        permissions = [
            ("post_journalentry", "ผ่านรายการใบสำคัญ"),
            ("reverse_journalentry", "กลับรายการใบสำคัญ"),
            # The second person on a manual voucher above CoopProfile.manual_voucher_approval_above.
            ("approve_journalentry", "อนุมัติใบสำคัญบันทึกด้วยมือ"),
        ]
        indexes = [models.Index(fields=["date"]), models.Index(fields=["source", "date"])]

    def __str__(self) -> str:
        return f"{self.voucher_label} {self.description}"

    @property
    def voucher_label(self) -> str:
        """JV2569-000123: the number printed on the voucher and quoted by auditors."""
        if self.voucher_no is None:
            return "ร่าง"
        return voucher_label(self.fiscal_year.year_be, self.voucher_no)

    @property
    def is_posted(self) -> bool:
        return self.status == EntryStatus.POSTED


class JournalLine(models.Model):
    """A debit or a credit of a voucher; exactly one side is non-zero, never negative."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_lines"
    )
    debit = MoneyField("เดบิต", default=0)
    credit = MoneyField("เครดิต", default=0)
    memo = models.CharField("รายละเอียด", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0)),
                name="line_one_positive_side",
            ),
        ]
        indexes = [models.Index(fields=["account", "entry"])]

    def __str__(self) -> str:
        side = f"Dr {self.debit:,.2f}" if self.debit else f"Cr {self.credit:,.2f}"
        return f"{self.account_id} {side}"
