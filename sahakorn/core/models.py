from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sahakorn.core.interest import DayBasis
from sahakorn.core.money import MoneyField


class CoopProfile(models.Model):
    """The cooperative itself (ข้อมูลสหกรณ์): its names for documents and its fiscal year.

    One row. The fiscal-year start month decides how the ledger cuts years and periods, so
    it is refused once a fiscal year exists (see ``ledger``); change it before go-live.
    """

    name_th = models.CharField("ชื่อสหกรณ์", max_length=200)
    name_en = models.CharField("ชื่อภาษาอังกฤษ", max_length=200, blank=True)
    short_name = models.CharField("ชื่อย่อ", max_length=50, blank=True)
    registration_no = models.CharField("เลขทะเบียนสหกรณ์", max_length=50, blank=True)
    tax_id = models.CharField("เลขประจำตัวผู้เสียภาษี", max_length=13, blank=True)
    address = models.TextField("ที่อยู่", blank=True)
    phone = models.CharField("โทรศัพท์", max_length=50, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        "เดือนเริ่มต้นปีบัญชี",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="1 = มกราคม … 10 = ตุลาคม",
    )
    # Coop practice that changes figures (ระเบียบของสหกรณ์): products may override the day basis.
    day_basis = models.CharField(
        "ฐานจำนวนวันต่อปีในการคิดดอกเบี้ย",
        max_length=10,
        choices=DayBasis.choices,
        default=DayBasis.DAYS_365,
        help_text="ใช้กับเงินกู้และเงินฝากทุกประเภทที่ไม่ได้กำหนดเอง",
    )
    installment_grace_days = models.PositiveSmallIntegerField(
        "ผ่อนผันการชำระค่างวด (วัน)",
        default=0,
        validators=[MaxValueValidator(31)],
        help_text="ค่างวดที่ชำระภายในจำนวนวันนี้หลังวันครบกำหนด ไม่นับเป็นการขาดชำระ",
    )
    # The one allowance for dates ahead of today (core.dates): month-end batches and vouchers only;
    # counter movements are never dated ahead.
    month_end_days_ahead = models.PositiveSmallIntegerField(
        "ประมวลผลสิ้นเดือนล่วงหน้าได้ (วัน)",
        default=3,
        validators=[MaxValueValidator(7)],
        help_text="งานสิ้นเดือนและใบสำคัญลงวันที่ล่วงหน้าได้ไม่เกินจำนวนวันนี้ (เช่น วันทำการสุดท้ายก่อนสิ้นเดือน) "
        "รายการที่เคาน์เตอร์ลงวันที่ล่วงหน้าไม่ได้",
    )
    # Two people for a large manual voucher (ledger.services.manual_voucher_record): above this total
    # debit, the one who records it cannot post it; another accountant or the manager approves it.
    manual_voucher_approval_above = MoneyField(
        "ใบสำคัญบันทึกด้วยมือที่ต้องมีผู้อนุมัติ: ยอดเดบิตรวมเกิน (บาท)",
        default=Decimal("100000.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="ใบสำคัญที่ยอดเกินจำนวนนี้ ผู้บันทึกผ่านรายการเองไม่ได้ ต้องให้สมุห์บัญชีหรือผู้จัดการอีกคนอนุมัติ",
    )

    class Meta:
        verbose_name = "ข้อมูลสหกรณ์"
        verbose_name_plural = "ข้อมูลสหกรณ์"

    def __str__(self) -> str:
        return self.name_th
