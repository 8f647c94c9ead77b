"""The loan screens: eligibility table, application, approval (maker-checker), disbursement, contract."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.loans.models import ApplicationStatus, LoanApplication, LoanContract
from sahakorn.loans.tests.conftest import borrower, disbursed, guarantor


def test_eligibility_page_shows_rules_and_maximum(client, officer, ordinary):
    member = borrower(shares=1000)
    client.force_login(officer)
    r = client.get(reverse("loans:eligibility"), {"member": member.number, "product": ordinary.pk,
                                                  "amount": "100000.01", "installments": "120", "on": "1/3/2568"})  # fmt: skip
    assert r.status_code == 200
    html = r.content.decode()
    assert "100,000.00" in html and "ทุนเรือนหุ้นไม่ถึงร้อยละที่กำหนดของเงินกู้" in html


def test_apply_approve_disburse_flow(client, officer, manager, ordinary):
    member, g = borrower(), guarantor()
    client.force_login(officer)
    r = client.post(reverse("loans:application_create"), {
        "member": member.number, "product": ordinary.pk, "amount": "150000", "installments": "120",
        "guarantors": g.number, "applied_on": "1/3/2568", "purpose": "ซ่อมบ้าน"})  # fmt: skip
    app = LoanApplication.objects.get()
    assert r.status_code == 302 and r.url == reverse("loans:application_detail", args=[app.pk])
    # the maker cannot approve (officer has no permission at all)
    assert client.post(reverse("loans:application_approve", args=[app.pk])).status_code == 403
    client.force_login(manager)
    r = client.post(reverse("loans:application_approve", args=[app.pk]), {"note": "ok"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    client.force_login(officer)
    r = client.post(reverse("loans:disburse", args=[app.pk]),
                    {"on": "5/3/2568", "first_due": "30/4/2568", "channel": "bank"})  # fmt: skip
    contract = LoanContract.objects.get()
    assert r.status_code == 302 and r.url == reverse("loans:contract", args=[contract.pk])
    r = client.get(r.url)
    assert r.status_code == 200 and contract.number in r.content.decode()


def test_refused_application_shows_checks(client, officer, ordinary):
    member = borrower(shares=1000)
    client.force_login(officer)
    r = client.post(reverse("loans:application_create"), {
        "member": member.number, "product": ordinary.pk, "amount": "150000", "installments": "120",
        "applied_on": "1/3/2568"})  # fmt: skip
    assert r.status_code == 200 and "จำนวนผู้ค้ำไม่ครบตามวงเงิน" in r.content.decode()
    assert not LoanApplication.objects.exists()


def test_member_page_cards_and_flag(client, officer, manager, ordinary):
    from sahakorn.members.services import member_status_change

    member, g = borrower(), guarantor()
    contract = disbursed(product=ordinary, member=member, amount="150000.00", installments=120, guarantors=[g],
                         maker=officer, checker=manager)  # fmt: skip
    member_status_change(member=g, to_status="deceased", effective_on=dt.date(2025, 6, 1), reason="เสียชีวิต",
                         by=officer)  # fmt: skip
    client.force_login(officer)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert contract.number in html and "ต้องเปลี่ยนผู้ค้ำ" in html
    html = client.get(reverse("members:detail", args=[g.pk])).content.decode()
    assert contract.number in html
    assert client.get(reverse("loans:contract", args=[contract.pk])).status_code == 200
    assert contract.principal_balance == D("150000.00")


@pytest.mark.parametrize("name", ["loans:eligibility", "loans:applications"])
def test_outsider_forbidden_auditor_sees(client, outsider, auditor, name, db):
    client.force_login(outsider)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse(name)).status_code == 200
