"""The billing screens: open a month, preview, freeze only after the confirmation, read a bill."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sahakorn.billing.models import Bill, BillingCycle, BillingPeriod, CycleStatus
from sahakorn.billing.services import billing_period_open
from sahakorn.billing.tests.conftest import MARCH

pytestmark = pytest.mark.django_db


def test_an_officer_opens_a_month_from_any_day_in_it(client, officer):
    client.force_login(officer)

    response = client.post(reverse("billing:periods"), {"month": "15/03/2569"}, follow=True)

    assert BillingPeriod.objects.get().month == MARCH
    assert "เปิดงวด 256903 แล้ว" in response.content.decode()


def test_a_bad_month_names_the_field_and_opens_nothing(client, officer):
    client.force_login(officer)

    response = client.post(reverse("billing:periods"), {"month": "31/02/2569"})

    assert response.status_code == 200
    assert "เดือนที่เรียกเก็บ" in response.content.decode()
    assert not BillingPeriod.objects.exists()


def test_freezing_asks_first_and_freezes_only_on_the_confirmation(client, member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    client.force_login(officer)

    # when: the button leads to the confirmation, which freezes nothing
    confirm = client.get(reverse("billing:cycle_freeze", args=[cycle.pk]))

    # then
    page = confirm.content.decode()
    assert "ให้สมาชิก 1 ราย" in page and "ยืนยัน ประมวลผล" in page
    assert BillingCycle.objects.get(pk=cycle.pk).status == CycleStatus.OPEN

    # when: confirmed
    done = client.post(reverse("billing:cycle_freeze", args=[cycle.pk]), follow=True)

    # then: the message names the count and the amount; the cycle page lists the bill
    text = done.content.decode()
    assert "สมาชิก 1 ราย 6 รายการ ยอดเรียกเก็บ 11,965.51 บาท" in text
    bill = Bill.objects.get(member=member)
    assert reverse("billing:bill", args=[bill.pk]) in text
    page = client.get(reverse("billing:bill", args=[bill.pk])).content.decode()
    assert "11,965.51" in page and "หนึ่งหมื่นหนึ่งพันเก้าร้อยหกสิบห้าบาทห้าสิบเอ็ดสตางค์" in page


def test_the_preview_shows_the_changes_and_their_reasons(client, member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    client.force_login(officer)

    page = client.get(reverse("billing:cycle_preview", args=[cycle.pk])).content.decode()

    assert member.number in page
    assert "สัญญาใหม่ จ่ายเงินกู้เมื่อ 28 ก.พ. 2569" in page
    assert "11,965.51" in page


def test_an_auditor_reads_but_cannot_open_or_freeze(client, member, officer, auditor):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    client.force_login(auditor)

    assert client.get(reverse("billing:cycle", args=[cycle.pk])).status_code == 200
    assert client.post(reverse("billing:periods"), {"month": "01/04/2569"}).status_code == 403
    assert client.post(reverse("billing:cycle_freeze", args=[cycle.pk])).status_code == 403
    assert BillingCycle.objects.get(pk=cycle.pk).total_billed == D("0")


def test_someone_without_a_role_sees_nothing(client, outsider):
    client.force_login(outsider)

    assert client.get(reverse("billing:periods")).status_code == 403


def test_a_month_from_the_files_to_the_closed_cycle_on_the_screens(client, member, officer):
    # given: March frozen
    from sahakorn.billing.models import Receipt, UnitPosting
    from sahakorn.billing.services import billing_cycle_freeze
    from sahakorn.ledger.models import EntrySource, JournalEntry

    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)
    client.force_login(officer)
    unit = member.unit

    # the invoice and the unit's files
    invoice = client.get(reverse("billing:unit_invoice", args=[cycle.pk, unit.pk]))
    assert invoice["Content-Type"] == "application/pdf" and invoice.content.startswith(b"%PDF")
    csv = client.get(reverse("billing:unit_file", args=[cycle.pk, unit.pk]) + "?layout=SAHAKORN-CSV")
    assert f"1,{member.number}".encode() in csv.content and b"11965.51" in csv.content

    # the returned file: a bad one names the row and keeps nothing
    url = reverse("billing:unit_import", args=[cycle.pk, unit.pk])
    heading = "ลำดับที่,เลขทะเบียนสมาชิก,เลขประจำตัวประชาชน,ชื่อ-สกุล,ยอดเรียกเก็บ,ยอดที่หักได้\r\n"
    bad = SimpleUploadedFile(
        "march.csv", (heading + f"1,{member.number},,,11965.51,99999.00\r\n").encode("utf-8-sig")
    )
    page = client.post(
        url, {"layout": "SAHAKORN-CSV", "file": bad, "remittance": "99999.00"}
    ).content.decode()
    assert "แถวที่ 2 เลขทะเบียน" in page and "เกินยอดเรียกเก็บ 11,965.51 บาท" in page
    good = SimpleUploadedFile(
        "march.csv", (heading + f"1,{member.number},,,11965.51,11965.51\r\n").encode("utf-8-sig")
    )
    done = client.post(url, {"layout": "SAHAKORN-CSV", "file": good, "remittance": "11,965.51"}, follow=True)
    assert "ตรวจแฟ้ม march.csv แล้ว: 1 แถว ยอดหักได้ 11,965.51 บาท" in done.content.decode()

    # posting asks first, then posts
    post_url = reverse("billing:unit_post", args=[cycle.pk, unit.pk])
    assert "ยืนยัน ผ่านรายการ" in client.get(post_url).content.decode()
    assert not UnitPosting.objects.exists()
    posted = client.post(post_url, follow=True).content.decode()
    voucher = JournalEntry.objects.get(source=EntrySource.BILLING)
    assert (
        f"หักได้ 11,965.51 บาท จากยอดเรียกเก็บ 11,965.51 บาท หักไม่ได้ 0.00 บาท หักเกิน 0.00 บาท ใบสำคัญ {voucher.voucher_label}"
        in posted
    )
    receipt = Receipt.objects.get()
    assert client.get(reverse("billing:receipt_pdf", args=[receipt.pk])).content.startswith(b"%PDF")
    posting = UnitPosting.objects.get()
    assert client.get(reverse("billing:posting_receipts", args=[posting.pk])).content.startswith(b"%PDF")

    # the reconciliation, then the close
    close_url = reverse("billing:cycle_close", args=[cycle.pk])
    assert "billing cycle reconciled" in client.get(close_url).content.decode()
    assert "ปิดงวด 256903 หน่วยงานทั่วไป แล้ว" in client.post(close_url, follow=True).content.decode()


def test_posting_every_waiting_unit_asks_first_and_names_a_unit_without_a_file(client, member, officer):
    from sahakorn.billing.models import UnitPosting
    from sahakorn.billing.services import billing_cycle_freeze, billing_period_open
    from sahakorn.billing.tests.conftest import MARCH

    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)
    client.force_login(officer)
    url = reverse("billing:cycle_post_all", args=[cycle.pk])

    confirm = client.get(url).content.decode()
    refused = client.post(url, follow=True).content.decode()
    done = client.post(url, {"in_full": "1"}, follow=True).content.decode()

    assert "ยืนยัน ผ่านรายการ" in confirm and member.unit.code in confirm and "11,965.51" in confirm
    assert "1 หน่วยยังไม่มีแฟ้มผลการหัก" in refused
    assert "ผ่านรายการรับชำระ 1 หน่วยแล้ว: หักได้ 11,965.51 บาท" in done
    assert UnitPosting.objects.count() == 1
