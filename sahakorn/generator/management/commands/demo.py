import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from sahakorn.config.serving import DEMO_ENV
from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER, ROLE_LABELS_TH
from sahakorn.members.models import Member, MemberStatus
from sahakorn.members.services import member_portal_user_link

DEMO_MEMBERS = 3000
DEMO_YEARS = 3
DEMO_SEED = 2569
# Demo-only passwords, printed on purpose: the demo database is generated and local.
STAFF = [
    ("officer", "demo-officer", OFFICER, "สมใจ", "ตั้งใจงาน"),
    ("manager", "demo-manager", MANAGER, "ประเสริฐ", "บริหารดี"),
    ("accountant", "demo-accountant", ACCOUNTANT, "วันดี", "บัญชีตรง"),
    ("auditor", "demo-auditor", AUDITOR, "สุรชัย", "ตรวจละเอียด"),
]
ADMIN = ("admin", "demo-admin")
MEMBER_PASSWORD = "demo-member"


class Command(BaseCommand):
    help = "เปิดระบบตัวอย่าง: migrate, สร้างสหกรณ์ตัวอย่าง, สร้างผู้ใช้ตัวอย่าง แล้วเปิดเว็บที่ 127.0.0.1:8000"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=DEMO_MEMBERS)
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the demo and print logins, don't serve"
        )

    def handle(self, *args, members, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not Member.objects.exists():
            self.stdout.write(f"กำลังสร้างสหกรณ์ตัวอย่าง {members:,} ราย …")
            call_command("generate", members=members, years=DEMO_YEARS, seed=DEMO_SEED, no_progress=False,
                         stdout=self.stdout)  # fmt: skip
        member = self._demo_member_user()
        self._staff_users()
        db = connection.settings_dict["NAME"]
        self.stdout.write(
            "\n"
            "  Sahakorn demo ─ ระบบตัวอย่าง\n"
            f"  ฐานข้อมูล: {db}\n"
            f"  เว็บ: http://{addrport}/   (ตั้งค่าระบบ: http://{addrport}/admin/)\n\n"
            "  บทบาท            ชื่อผู้ใช้       รหัสผ่าน\n"
            + "".join(f"  {ROLE_LABELS_TH[role]:<16} {u:<15} {p}\n" for u, p, role, *_ in STAFF)
            + f"  {'ผู้ดูแลระบบ':<16} {ADMIN[0]:<15} {ADMIN[1]}\n"
            + f"  {'สมาชิก':<16} {member:<15} {MEMBER_PASSWORD}   (พอร์ทัลสมาชิกจะมาในงานถัดไป)\n"
        )
        if not no_serve:
            # The demo's own public key is allowed here, and only here (sahakorn.config.serving).
            os.environ[DEMO_ENV] = "1"
            call_command("serve", addrport=addrport)

    @transaction.atomic
    def _staff_users(self) -> None:
        User = get_user_model()
        for username, password, role, first, last in STAFF:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            # The manager configures rates and rules in the admin until they have their own screens.
            user.is_staff = role == MANAGER
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
        admin, _ = User.objects.get_or_create(username=ADMIN[0])
        admin.is_staff = admin.is_superuser = True
        admin.set_password(ADMIN[1])
        admin.save()

    @transaction.atomic
    def _demo_member_user(self) -> str:
        """The first active member with a phone gets a login (username = member number)."""
        member = (
            Member.objects.filter(status=MemberStatus.ACTIVE).exclude(phone="").order_by("number").first()
        )
        if member is None:
            return "-"
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=member.number)
        user.first_name, user.last_name = member.first_name, member.last_name
        user.set_password(MEMBER_PASSWORD)
        user.save()
        member_portal_user_link(member=member, user=user, by=None)
        return member.number
