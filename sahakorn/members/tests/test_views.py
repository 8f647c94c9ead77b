import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from sahakorn.members.models import Member, MemberChange, MemberStatus
from sahakorn.members.tests.factories import MemberFactory, UnitFactory, valid_national_id

pytestmark = pytest.mark.django_db


def _form(unit, **overrides) -> dict:
    return {
        "number": "",
        "title": "นางสาว",
        "first_name": "มาลี",
        "last_name": "ศรีสุข",
        "national_id": "1-1017-00230-70-8",
        "birth_date": "15/06/2535",
        "joined_on": "01/10/2560",
        "member_type": "ordinary",
        "unit": str(unit.pk),
        "salary": "18,500.00",
        "phone": "081-234-5678",
        **overrides,
    }


@pytest.mark.parametrize(
    ("name", "needs_member"),
    [("members:list", False), ("members:create", False), ("members:detail", True), ("members:edit", True)],
)
def test_officer_pages_render(client, officer, unit, name, needs_member):
    # given
    member = MemberFactory(unit=unit)
    client.force_login(officer)

    # when
    response = client.get(reverse(name, args=[member.pk] if needs_member else []))

    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "needs_member"),
    [
        ("members:list", False),
        ("members:create", False),
        ("members:detail", True),
        ("members:edit", True),
        ("members:status", True),
        ("members:import", False),
        ("members:import_template", False),
    ],
)
def test_user_without_permission_gets_403(client, outsider, unit, name, needs_member):
    # given
    member = MemberFactory(unit=unit)
    client.force_login(outsider)

    # when
    response = client.get(reverse(name, args=[member.pk] if needs_member else []))

    # then
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["members:status", "members:import"])
def test_officer_cannot_change_status_or_import(client, officer, unit, name):
    # given
    member = MemberFactory(unit=unit)
    client.force_login(officer)

    # when
    response = client.get(reverse(name, args=[member.pk] if name == "members:status" else []))

    # then
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client):
    # when
    response = client.get(reverse("members:list"))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_member_list_shows_columns_with_be_date_and_badge(client, auditor, unit):
    # given
    MemberFactory(
        number="000001", first_name="สมชาย", last_name="ใจดี", joined_on=dt.date(2017, 10, 1), unit=unit
    )
    client.force_login(auditor)

    # when
    response = client.get(reverse("members:list"), {"status": "active"})

    # then
    html = response.content.decode()
    assert "นายสมชาย ใจดี" in html
    assert "1 ต.ค. 2560" in html
    assert '<span class="badge badge-active">ปกติ</span>' in html
    assert "กองคลัง" in html


def test_member_list_jumps_to_the_member_on_an_exact_number(client, officer, unit):
    # given
    member = MemberFactory(number="000123", unit=unit)
    client.force_login(officer)

    # when
    response = client.get(reverse("members:list"), {"q": "123"})

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])


def test_member_list_paginates_by_50(client, officer, unit):
    # given
    for _ in range(51):
        MemberFactory(unit=unit)
    client.force_login(officer)

    # when
    first = client.get(reverse("members:list"))
    second = client.get(reverse("members:list"), {"page": 2})

    # then
    assert len(first.context["page"].object_list) == 50
    assert [m.number for m in second.context["page"].object_list] == ["000051"]


def test_member_detail_shows_cards_placeholders_and_audit(client, officer, unit):
    # given
    root = UnitFactory(code="01", name="สำนักงานใหญ่")
    child = UnitFactory(code="0105", name="กองการเจ้าหน้าที่", parent=root)
    member = MemberFactory(
        unit=child,
        national_id="1101700230708",
        birth_date=dt.date(1992, 6, 15),
        phone="0812345678",
        by=officer,
    )
    client.force_login(officer)

    # when
    response = client.get(reverse("members:detail", args=[member.pk]))

    # then
    html = response.content.decode()
    assert "1-1017-00230-70-8" in html
    assert "15 มิถุนายน 2535" in html
    assert "สำนักงานใหญ่ › <strong>กองการเจ้าหน้าที่</strong>" in html
    assert "081 234 5678" in html
    # the shares app fills its own card; the sub-ledgers still to come show placeholders
    assert reverse("shares:account", args=[member.pk]) in html
    assert "ไม่มีสัญญาเงินกู้" in html and "ไม่ได้ค้ำประกันให้ผู้ใด" in html  # the loans app's two cards
    for title in ("เงินปันผล-เฉลี่ยคืน",):
        assert f"จะแสดงเมื่อเปิดใช้ระบบ{title}" in html
    assert "สมัครเป็นสมาชิก" in html  # status history
    assert "officer1" in html  # who created it, in the audit table


def test_member_create_post_creates_member_with_audit_row(client, officer, unit):
    # given
    client.force_login(officer)

    # when
    response = client.post(reverse("members:create"), _form(unit))

    # then
    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.number, member.national_id, member.birth_date, member.phone) == (
        "000001",
        "1101700230708",
        dt.date(1992, 6, 15),
        "+66812345678",
    )
    audit = MemberChange.objects.get(member=member)
    assert (audit.action, audit.changed_by) == ("create", officer)
    assert audit.diff["salary"] == [None, "18500.00"]


def test_member_create_post_with_bad_national_id_shows_field_error_and_creates_nothing(client, officer, unit):
    # given
    client.force_login(officer)

    # when
    response = client.post(reverse("members:create"), _form(unit, national_id="1101700230709"))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "national_id": ["เลขประจำตัวประชาชนไม่ถูกต้อง (ตรวจสอบหลักสุดท้ายไม่ผ่าน)"]
    }
    assert "เลขประจำตัวประชาชน: เลขประจำตัวประชาชนไม่ถูกต้อง" in response.content.decode()
    assert Member.objects.count() == 0


def test_member_create_post_with_ce_year_and_service_error_shows_both_beside_their_fields(
    client, officer, unit
):
    # given
    MemberFactory(unit=unit, national_id=valid_national_id(9))
    client.force_login(officer)

    # when
    response = client.post(reverse("members:create"), _form(unit, birth_date="15/06/1992"))
    response_dup = client.post(reverse("members:create"), _form(unit, national_id=valid_national_id(9)))

    # then
    assert response.context["form"].errors == {
        "birth_date": ["ปี 1992 เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. (ค.ศ. 1992 = พ.ศ. 2535)"]
    }
    assert response_dup.context["form"].errors == {
        "national_id": ["เลขประจำตัวประชาชนนี้เป็นของสมาชิกเลขทะเบียน 000001 อยู่แล้ว"]
    }
    assert Member.objects.count() == 1


def test_member_edit_post_updates_and_audits_the_changed_fields(client, officer, unit):
    # given
    member = MemberFactory(unit=unit, national_id="1101700230708", phone="0812345678")
    client.force_login(officer)
    form = _form(
        unit,
        title=member.title,
        first_name=member.first_name,
        last_name=member.last_name,
        birth_date="10/05/2528",
        joined_on="01/01/2558",
        salary="25000",
        phone="089-999-8888",
    )

    # when
    response = client.post(reverse("members:edit", args=[member.pk]), form)

    # then
    assert response.status_code == 302
    audit = MemberChange.objects.get(member=member, action="update")
    assert audit.diff == {"phone": ["+66812345678", "+66899998888"]}
    assert audit.changed_by == officer


def test_member_edit_form_shows_dates_in_be_and_id_formatted(client, officer, unit):
    # given
    member = MemberFactory(unit=unit, national_id="1101700230708", birth_date=dt.date(1985, 5, 10))
    client.force_login(officer)

    # when
    html = client.get(reverse("members:edit", args=[member.pk])).content.decode()

    # then
    assert 'value="10/05/2528"' in html
    assert 'value="1-1017-00230-70-8"' in html


def test_manager_changes_status_through_the_form(client, manager, unit):
    # given
    member = MemberFactory(unit=unit, joined_on=dt.date(2015, 1, 1))
    client.force_login(manager)
    assert client.get(reverse("members:status", args=[member.pk])).status_code == 200

    # when
    response = client.post(
        reverse("members:status", args=[member.pk]),
        {"to_status": "resigned", "effective_on": "31/03/2563", "reason": "ย้ายไปรับราชการที่อื่น"},
    )

    # then
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.status_since) == (MemberStatus.RESIGNED, dt.date(2020, 3, 31))
    assert MemberChange.objects.get(member=member, action="status").changed_by == manager


def test_status_form_shows_service_error_beside_the_date(client, manager, unit):
    # given
    member = MemberFactory(unit=unit, joined_on=dt.date(2015, 1, 1))
    client.force_login(manager)

    # when
    response = client.post(
        reverse("members:status", args=[member.pk]),
        {"to_status": "resigned", "effective_on": "31/12/2557", "reason": "ลาออก"},
    )

    # then
    assert response.context["form"].errors == {"effective_on": ["วันที่มีผลต้องไม่ก่อนวันที่เป็นสมาชิก"]}


def test_manager_imports_a_file_on_the_import_screen(client, manager, unit, tmp_path):
    # given
    client.force_login(manager)
    template = client.get(reverse("members:import_template"))
    content = template.content

    # when: the downloaded template itself imports
    response = client.post(reverse("members:import"), {"file": _upload("members.csv", content)})

    # then
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert response.status_code == 200
    assert response.context["result"].count == 1
    assert "นำเข้าสมาชิกแล้ว 1 คน" in response.content.decode()
    assert Member.objects.get().number == "000123"


def test_import_screen_lists_errors_and_imports_nothing(client, manager, unit):
    # given
    client.force_login(manager)
    header = "member_no,title,first_name,last_name,national_id,birth_date,joined_on,unit_code\r\n"
    body = "000001,นาย,ก,ข,1101700230708,15/06/2535,01/10/2560,0103\r\n000002,นาย,ค,ง,1101700230709,15/06/2535,01/10/2017,0103\r\n"

    # when
    response = client.post(reverse("members:import"), {"file": _upload("m.csv", (header + body).encode())})

    # then
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "national_id"), (3, "joined_on")]
    assert "ไฟล์มีข้อผิดพลาด 2 รายการ" in response.content.decode()
    assert Member.objects.count() == 0


def test_import_screen_refuses_a_binary_file_with_one_message(client, manager, unit):
    # given: a PDF picked by mistake (answered 500)
    client.force_login(manager)
    content = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 4 >>\nstream\n\x00\x01\x02\x03\nendstream\n"

    # when
    response = client.post(reverse("members:import"), {"file": _upload("members.csv", content)})

    # then
    assert response.status_code == 200
    assert [(e.row, e.column, e.message) for e in response.context["errors"]] == [
        (
            6,
            "",
            "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ (พบข้อมูลไบนารีในแถวที่ 6) กรุณาบันทึกเป็น CSV (UTF-8) หรือ Excel (.xlsx)",
        )
    ]
    assert Member.objects.count() == 0


def test_import_screen_refuses_a_field_larger_than_the_csv_limit(client, manager, unit):
    # given: `_csv.Error: field larger than field limit` was a 500
    client.force_login(manager)
    header = "member_no,title,first_name,last_name,national_id,birth_date,joined_on,unit_code\r\n"
    content = (header + '000001,"' + "x" * 140_000 + "\r\n" * 3).encode()

    # when
    response = client.post(reverse("members:import"), {"file": _upload("members.csv", content)})

    # then
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "")]
    assert "ยาวเกิน 65,536 ไบต์" in response.context["errors"][0].message
    assert Member.objects.count() == 0


def test_import_screen_refuses_a_file_over_the_upload_limit_naming_it(client, manager, unit, settings):
    # given: a 1 MB limit and a file of 1.5 MB (a 27 MB file held a request for a minute)
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(manager)
    header = "member_no,title,first_name,last_name,national_id,birth_date,joined_on,unit_code\r\n"
    content = header.encode() + b",,,,,,,,\r\n" * (3 * 2**20 // 20)

    # when
    response = client.post(reverse("members:import"), {"file": _upload("members.csv", content)})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "ไฟล์ใหญ่เกิน 1 MB ซึ่งเป็นขนาดสูงสุดที่นำเข้าทางหน้าจอได้ (ไฟล์นี้ 1.5 MB) "
            "กรุณาแบ่งเป็นหลายไฟล์ หรือให้ผู้ดูแลระบบใช้คำสั่ง sahakorn import members"
        ]
    }
    assert response.context["errors"] is None
    assert Member.objects.count() == 0


def test_posts_need_a_csrf_token(officer, unit):
    # given
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    # when
    response = client.post(reverse("members:create"), _form(unit))

    # then
    assert response.status_code == 403
    assert Member.objects.count() == 0


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_member_create_records_the_spouse_and_refuses_a_bad_spouse_id(client, officer, unit):
    # given
    client.force_login(officer)
    spouse_id = valid_national_id(424242)

    # when: a wrong checksum, then the member's own ID, then a good one
    bad = client.post(reverse("members:create"), _form(unit, spouse_national_id="1101700230709"))
    own = client.post(reverse("members:create"), _form(unit, spouse_national_id="1-1017-00230-70-8"))
    client.post(
        reverse("members:create"), _form(unit, spouse_name="นายสมชาย ศรีสุข", spouse_national_id=spouse_id)
    )

    # then
    assert bad.context["form"].errors == {
        "spouse_national_id": ["เลขประจำตัวประชาชนไม่ถูกต้อง (ตรวจสอบหลักสุดท้ายไม่ผ่าน)"]
    }
    assert own.context["form"].errors == {
        "spouse_national_id": ["เลขประจำตัวประชาชนคู่สมรสต้องไม่ใช่เลขของสมาชิกเอง"]
    }
    member = Member.objects.get()
    assert (member.spouse_name, member.spouse_national_id) == ("นายสมชาย ศรีสุข", spouse_id)
    assert MemberChange.objects.get(member=member).diff["spouse_national_id"] == [None, spouse_id]
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "นายสมชาย ศรีสุข" in page


@pytest.mark.parametrize(
    ("salary", "message"),
    [
        ("1e26", "จำนวนเงินต้องไม่เกิน 9,999,999,999,999.99 บาท"),
        ("1" * 27, "จำนวนเงินต้องไม่เกิน 9,999,999,999,999.99 บาท"),
        ("1,00,0", "จำนวนเงินต้องเป็นตัวเลข เช่น 1000, 1000.50 หรือ 1,000.50 (ใช้จุลภาคคั่นทุกสามหลักเท่านั้น)"),
    ],
)
def test_member_create_with_a_huge_or_misgrouped_salary_shows_a_field_error_not_a_500(
    client, officer, unit, salary, message
):
    # given: decimal.InvalidOperation answered 500 for 1e26; 1,00,0 was saved as 1,000.00
    client.force_login(officer)

    # when
    response = client.post(reverse("members:create"), _form(unit, salary=salary))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"salary": [message]}
    assert Member.objects.count() == 0


def test_member_create_reads_thai_digits_and_refuses_html_in_the_number(client, officer, unit):
    # given
    client.force_login(officer)

    # when
    bad = client.post(reverse("members:create"), _form(unit, number="<b>1</b>"))
    good = client.post(
        reverse("members:create"),
        _form(unit, number="๐๐๐๐๐๗", national_id="๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘", phone="๐๘๑-๒๓๔-๕๖๗๘", salary="๑๘,๕๐๐"),
    )

    # then
    assert bad.status_code == 200
    assert bad.context["form"].errors == {
        "number": ["เลขทะเบียนสมาชิกต้องเป็นตัวอักษรอังกฤษหรือตัวเลขเท่านั้น (A-Z, a-z, 0-9)"]
    }
    assert good.status_code == 302
    member = Member.objects.get()
    assert (member.number, member.national_id, member.phone, member.salary) == (
        "000007",
        "1101700230708",
        "+66812345678",
        Decimal("18500.00"),
    )
