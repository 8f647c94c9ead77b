"""The screens: login and permission, CSRF-protected posts, field errors, maker-checker, exact figures."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sahakorn.core.reports import file_stamp
from sahakorn.core.thai import format_be_date
from sahakorn.funeral.models import ClaimStatus, DeathClaim, FuneralLevy, FuneralMembership, FuneralPayout
from sahakorn.funeral.services import death_claim_create
from sahakorn.funeral.tests.factories import enrolled, heirs
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
# Approval on screen is dated today, so the levy is too; collection and payment follow it.
TODAY = format_be_date(timezone.localdate(), "numeric")

GET_URLS = [
    ("funeral:members", "view"),
    ("funeral:levies", "view"),
    ("funeral:claims", "view"),
    ("funeral:report_dues", "view"),
    ("funeral:enrol", "operate"),
    ("funeral:levy_create", "operate"),
    ("funeral:claim_create", "operate"),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "kind"), GET_URLS)
def test_screens_need_login_and_permission(name, kind, officer, auditor, outsider):
    url = reverse(name)
    assert Client().get(url).status_code == 302
    assert _client(outsider).get(url).status_code == 403
    assert _client(officer).get(url).status_code == 200
    assert _client(auditor).get(url).status_code == (200 if kind == "view" else 403)


def _beneficiary_post(*rows) -> dict:
    data = {"beneficiaries-TOTAL_FORMS": str(len(rows)), "beneficiaries-INITIAL_FORMS": "0",
            "beneficiaries-MIN_NUM_FORMS": "0", "beneficiaries-MAX_NUM_FORMS": "10"}  # fmt: skip
    for i, (name, relation, share) in enumerate(rows):
        data |= {f"beneficiaries-{i}-name": name, f"beneficiaries-{i}-relation": relation,
                 f"beneficiaries-{i}-share_percent": share}  # fmt: skip
    return data


def test_enrol_screen_refuses_shares_not_totalling_100_then_enrols(officer):
    # given
    member = MemberFactory()
    client = _client(officer)
    base = {
        "member": member.number,
        "joined_on": "10/01/2568",
        "with_entrance_fee": "on",
        "channel": "counter",
    }

    # when: 60 + 30
    bad = client.post(
        reverse("funeral:enrol"), base | _beneficiary_post(("นาง ก", "คู่สมรส", "60"), ("นาย ข", "บุตร", "30"))
    )

    # then
    assert bad.status_code == 200
    assert "ต้องรวมเป็นร้อยละ 100.00 (ขณะนี้รวม 90.00)" in bad.content.decode()
    assert not FuneralMembership.objects.exists()

    # when: 60 + 40
    good = client.post(
        reverse("funeral:enrol"), base | _beneficiary_post(("นาง ก", "คู่สมรส", "60"), ("นาย ข", "บุตร", "40"))
    )

    # then
    membership = FuneralMembership.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("funeral:membership", args=[membership.pk])
    assert (membership.joined_on, membership.entrance_fee) == (dt.date(2025, 1, 10), D("50.00"))
    page = client.get(good["Location"]).content.decode()
    assert "นาง ก" in page and "100.00" in page


def test_enrol_names_a_bad_national_id_beside_its_field(officer):
    member = MemberFactory()
    data = {"member": member.number, "joined_on": "10/01/2568", "channel": "counter"} | _beneficiary_post(
        ("นาง ก", "คู่สมรส", "100")
    )
    data["beneficiaries-0-national_id"] = "1234567890123"

    response = _client(officer).post(reverse("funeral:enrol"), data)

    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in response.content.decode()
    assert not FuneralMembership.objects.exists()


def test_claim_screens_maker_checker_and_the_split_shown_before_paying(officer, manager):
    # given: the deceased (50/25/25) and two members who will pay 20.00 each
    deceased = enrolled(beneficiaries=heirs("50.00", "25.00", "25.00"))
    others = [enrolled(), enrolled()]
    officer_client, manager_client = _client(officer), _client(manager)

    # when: the officer records the death
    response = officer_client.post(reverse("funeral:claim_create"), {"membership": deceased.number,
                                   "death_date": "01/03/2568", "reported_on": "05/03/2568"})  # fmt: skip
    claim = DeathClaim.objects.get()
    assert response.status_code == 302

    # then: the officer may not approve; the manager does
    assert officer_client.post(reverse("funeral:claim_approve", args=[claim.pk])).status_code == 403
    assert (
        manager_client.post(reverse("funeral:claim_approve", args=[claim.pk]), {"note": ""}).status_code
        == 302
    )
    levy = FuneralLevy.objects.get(claim=claim)
    assert levy.members == 2

    # when: the dues are collected on the levy screen, then the split is shown
    collect = officer_client.post(reverse("funeral:levy", args=[levy.pk]), {"numbers": "", "on": TODAY,
                                  "channel": "payroll"})  # fmt: skip
    assert collect.status_code == 302
    page = officer_client.get(reverse("funeral:claim", args=[claim.pk])).content.decode()
    # 40.00 less 5% = 38.00: 19.00 / 9.50 / 9.50
    assert "38.00" in page and "19.00" in page and "9.50" in page and "สามสิบแปดบาทถ้วน" in page

    # when
    paid = officer_client.post(reverse("funeral:claim_pay", args=[claim.pk]), {"on": TODAY, "method": "bank"})

    # then
    assert paid.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert sorted(FuneralPayout.objects.values_list("amount", flat=True)) == [
        D("9.50"),
        D("9.50"),
        D("19.00"),
    ]
    assert others


def test_member_page_shows_the_association_card(officer):
    membership = enrolled(beneficiaries=heirs("70.00", "30.00"))

    page = _client(officer).get(reverse("members:detail", args=[membership.member_id])).content.decode()

    assert 'id="section-funeral"' in page and membership.number in page and "ทายาท 1 (บุตร) 70.00%" in page


def test_excel_downloads(accountant):
    enrolled()
    client = _client(accountant)
    for name in ("funeral:members", "funeral:report_dues"):
        response = client.get(reverse(name) + "?format=xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_dues_report_on_screen_as_pdf_and_as_xlsx_with_the_same_figures(levy, accountant, monkeypatch):
    # given: a levy of 3 × 20.00, two paid (40.00), one outstanding (20.00); WeasyPrint's HTML kept
    import io

    import openpyxl
    import weasyprint

    seen: list[str] = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    client = _client(accountant)
    url = reverse("funeral:report_dues")
    stamp = file_stamp()

    # when
    screen = client.get(url).content.decode()
    pdf = client.get(url + "?format=pdf")
    xlsx = client.get(url + "?format=xlsx")

    # then
    assert "format=pdf" in screen and "format=xlsx" in screen
    assert "60.00" in screen and "40.00" in screen and "20.00" in screen
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert f'filename="funeral-dues-{stamp}.pdf"' in pdf["Content-Disposition"]
    (html,) = seen
    assert "รายงานการเรียกเก็บเงินสงเคราะห์ศพ" in html and f"ณ วันที่ {format_be_date(timezone.localdate())}" in html
    assert "60.00" in html and "40.00" in html and "3 พ.ค. 2568" in html
    assert f'filename="funeral-dues-{stamp}.xlsx"' in xlsx["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["เงินสงเคราะห์"]
    (row,) = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "03/05/2568"]
    assert row[3:] == (20, 3, 60, 2, 40, 1, 20)


def test_the_recorder_cannot_reject_through_the_screen_either(manager, manager2):
    # given: a death recorded by a manager
    claim = death_claim_create(membership=enrolled(), death_date=dt.date(2025, 3, 1),
                               reported_on=dt.date(2025, 3, 5), by=manager)  # fmt: skip

    # when
    own = _client(manager).post(reverse("funeral:claim_reject", args=[claim.pk]), {"note": "ไม่พบใบมรณบัตร"})
    other = _client(manager2).post(reverse("funeral:claim_reject", args=[claim.pk]), {"note": "ไม่พบใบมรณบัตร"})

    # then
    assert own.status_code == 400
    assert "ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกการขอรับเงินสงเคราะห์ศพ" in own.content.decode()
    assert other.status_code == 302 and other["Location"] == reverse("funeral:claim", args=[claim.pk])
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimStatus.REJECTED, manager2)
