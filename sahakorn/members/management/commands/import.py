"""``sahakorn import <what> FILE``: bring data over from a legacy system (นำเข้าจากระบบเดิม).

One sub-command per kind of data; later apps add theirs (``import shares``, ``import loans``)
by putting an entry in ``IMPORTERS``. Members go first: everything else refers to them.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.members.imports import MemberImportError, RowError, read_member_file
from sahakorn.members.services import members_import


@dataclass(frozen=True)
class Importer:
    label: str
    help: str
    run: Callable  # (*, path: str, by, dry_run: bool) -> int, raising MemberImportError-like errors


def _import_members(*, path: str, by, dry_run: bool) -> int:
    return members_import(rows=read_member_file(path), by=by, dry_run=dry_run).count


IMPORTERS: dict[str, Importer] = {
    "members": Importer("สมาชิก", "ทะเบียนสมาชิก (ดู docs/import-members.md)", _import_members),
}


class Command(BaseCommand):
    help = "นำเข้าข้อมูลจากระบบเดิม เช่น sahakorn import members members.csv [--dry-run]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, title="ข้อมูลที่นำเข้า")
        for name, importer in IMPORTERS.items():
            p = sub.add_parser(name, help=importer.help)
            p.add_argument("file", help="ไฟล์ CSV (UTF-8) หรือ Excel .xlsx")
            p.add_argument("--dry-run", action="store_true", help="ตรวจสอบไฟล์อย่างเดียว ไม่บันทึก")
            p.add_argument("--user", help="ชื่อผู้ใช้ที่บันทึกเป็นผู้นำเข้า (ค่าเริ่มต้น: ระบบ)")

    def handle(self, *args, what: str, file: str, dry_run: bool, user: str | None, **options) -> None:
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"ไม่พบผู้ใช้ {user}") from None
        started = time.monotonic()
        try:
            count = IMPORTERS[what].run(path=file, by=by, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"ไม่พบไฟล์ {file}") from None
        except MemberImportError as e:
            self._print_errors(e.errors)
            raise CommandError(f"ไฟล์ {file} มีข้อผิดพลาด {len(e.errors)} รายการ ไม่ได้นำเข้าข้อมูลใดเลย") from None
        seconds = time.monotonic() - started
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"ไฟล์ถูกต้อง พร้อมนำเข้า {count:,} รายการ (ตรวจสอบอย่างเดียว ไม่ได้บันทึก)")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"นำเข้า{IMPORTERS[what].label} {count:,} รายการ ใน {seconds:.1f} วินาที")
            )

    def _print_errors(self, errors: list[RowError]) -> None:
        self.stderr.write("แถวที่\tคอลัมน์\tสาเหตุ")
        for e in errors:
            self.stderr.write(f"{e.row}\t{e.column or '-'}\t{e.message}")
