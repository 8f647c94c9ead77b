"""Member registry (ทะเบียนสมาชิก): units, members, their status life cycle and audit trail."""

from django.conf import settings
from django.db import models

from sahakorn.core.money import MoneyField


class Unit(models.Model):
    """Employer unit (หน่วยสังกัด): a hierarchy such as office → division → section.

    ``path`` holds the codes from the root ("01/0103/010305/") so a whole branch is one
    ``path__startswith`` query: month-end lists are built per branch, set-based.
    """

    code = models.CharField("รหัสหน่วย", max_length=20, unique=True)
    name = models.CharField("ชื่อหน่วย", max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="สังกัดภายใต้",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    is_active = models.BooleanField("ใช้งาน", default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "หน่วยสังกัด"
        verbose_name_plural = "หน่วยสังกัด"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class MemberType(models.TextChoices):
    ORDINARY = "ordinary", "สมาชิกสามัญ"
    ASSOCIATE = "associate", "สมาชิกสมทบ"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "ปกติ"
    RESIGNED = "resigned", "ลาออก"
    DECEASED = "deceased", "เสียชีวิต"
    EXPELLED = "expelled", "ให้ออก"


class Title(models.TextChoices):
    MR = "นาย", "นาย"
    MRS = "นาง", "นาง"
    MISS = "นางสาว", "นางสาว"
    DR = "ดร.", "ดร."
    OTHER = "อื่น ๆ", "อื่น ๆ"


class Member(models.Model):
    """A member of the coop (สมาชิก). Written only by ``members.services``."""

    number = models.CharField("เลขทะเบียนสมาชิก", max_length=10, unique=True)
    title = models.CharField("คำนำหน้า", max_length=30)
    first_name = models.CharField("ชื่อ", max_length=100)
    last_name = models.CharField("นามสกุล", max_length=100)
    first_name_en = models.CharField("ชื่อ (อังกฤษ)", max_length=100, blank=True)
    last_name_en = models.CharField("นามสกุล (อังกฤษ)", max_length=100, blank=True)
    national_id = models.CharField("เลขประจำตัวประชาชน", max_length=13, unique=True)
    birth_date = models.DateField("วันเกิด")
    joined_on = models.DateField("วันที่เป็นสมาชิก")
    member_type = models.CharField(
        "ประเภทสมาชิก", max_length=20, choices=MemberType.choices, default=MemberType.ORDINARY
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members", verbose_name="หน่วยสังกัด")
    salary = MoneyField("เงินเดือน", default=0)
    phone = models.CharField("โทรศัพท์มือถือ", max_length=16, blank=True, help_text="E.164 เช่น +66812345678")
    email = models.EmailField("อีเมล", blank=True)
    address = models.TextField("ที่อยู่", blank=True)
    bank_code = models.CharField(
        "ธนาคาร", max_length=3, blank=True, help_text="รหัสธนาคาร 3 หลัก เช่น 006 กรุงไทย"
    )
    bank_account_no = models.CharField("เลขที่บัญชีธนาคาร", max_length=20, blank=True)
    # The spouse as the membership form records them (they need not be a member): a coop that
    # forbids a spouse as guarantor matches this ID against the guarantor's.
    spouse_name = models.CharField("ชื่อ-สกุลคู่สมรส", max_length=200, blank=True)
    spouse_national_id = models.CharField("เลขประจำตัวประชาชนคู่สมรส", max_length=13, blank=True)
    status = models.CharField(
        "สถานะ", max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_since = models.DateField("มีผลตั้งแต่")
    status_reason = models.CharField("เหตุผล", max_length=300, blank=True)
    # The member's own login (portal). The portal finds the member from this link, never from an id
    # in the URL, so a session can only reach its own member's rows.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name="บัญชีผู้ใช้พอร์ทัล",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "สมาชิก"
        verbose_name_plural = "สมาชิก"
        permissions = [
            ("change_member_status", "เปลี่ยนสถานะสมาชิก (ลาออก เสียชีวิต ให้ออก)"),
            ("import_members", "นำเข้าข้อมูลสมาชิกจากระบบเดิม"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["first_name", "last_name"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        return self.number_and_name

    @property
    def number_and_name(self) -> str:
        """How every message names a member: "000123 นายสมชาย ใจดี"."""
        return f"{self.number} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class MemberStatusChange(models.Model):
    """One step of a member's life cycle (เปลี่ยนสถานะ), with its effective date and reason."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=MemberStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MemberStatus.choices)
    effective_on = models.DateField("มีผลวันที่")
    reason = models.CharField("เหตุผล", max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_status or '-'} → {self.to_status} ({self.effective_on})"


class MemberChange(models.Model):
    """Audit trail of a member record (ประวัติการแก้ไข): who, when, and each field before/after.

    Written by the member services on both databases (pghistory would record nothing on SQLite).
    """

    class Action(models.TextChoices):
        CREATE = "create", "สร้าง"
        UPDATE = "update", "แก้ไข"
        STATUS = "status", "เปลี่ยนสถานะ"
        IMPORT = "import", "นำเข้า"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    # {"field": [before, after], …} in JSON-safe strings, so Decimals and dates survive exactly.
    diff = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_action_display()} {self.changed_at}"
