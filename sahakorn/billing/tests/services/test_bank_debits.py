"""Members who pay by bank account: billed apart from the unit, in the bank's 130-character file,
posted apart with the bank's list of debits that did not go through.

The member of ``conftest.py`` is billed 11,965.51 for March 2569 (send date 7 Mar, pay date 31 Mar
2026). With a salary of 10,000.00 the payroll floor (30% left) would cap the bill at 7,000.00; a bank
debit comes out of no pay and is not capped.
"""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.billing.bank_debits import (
    bank_debit_account_set,
    bank_debit_mandate_end,
    bank_debit_mandate_start,
    bank_debit_result_read,
    bank_debits_post,
)
from sahakorn.billing.errors import BillingError
from sahakorn.billing.files import bank_debit_file, layout_get, unit_file
from sahakorn.billing.models import Bill, BillingEvent, BillingMethod, UnitPosting
from sahakorn.billing.selectors import cycle_reconciled
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open, billing_unit_post
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.loans.models import LoanContract
from sahakorn.members.models import Member, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank_member(member, officer, manager):
    Member.objects.filter(pk=member.pk).update(
        number="000123", first_name="สมชาย", last_name="ใจดี", salary=D("10000.00")
    )
    Unit.objects.filter(pk=member.unit_id).update(code="EGAT01")
    bank_debit_account_set(
        bank_code="006", account_no="9876543210", company_name="SAHAKORN COOP", service_code="01", by=manager
    )
    bank_debit_mandate_start(
        member=member, bank_code="006", account_no="123-4-56789-0", starts=MARCH, by=officer
    )
    member.refresh_from_db()
    return member


@pytest.fixture
def cycle(bank_member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    return billing_cycle_freeze(cycle=cycle, by=officer)


def test_the_member_is_billed_by_bank_uncapped_and_left_out_of_the_units_file(bank_member, cycle):
    bill = Bill.objects.get(member=bank_member)
    assert (bill.method, bill.cap, bill.total_billed) == (BillingMethod.BANK, None, D("11965.51"))

    data = unit_file(cycle=cycle, unit=bank_member.unit, layout=layout_get("ROUNDTRIP164"))

    assert b"000123" not in data
    assert data.split(b"\r\n")[1] == b"T" + b"00000" + b"000000000000.00"


def test_the_direct_debit_file_is_130_byte_records_byte_exact(bank_member, cycle):
    data = bank_debit_file(cycle=cycle)

    expected = (
        "H" + "000001" + "006" + "9876543210" + "SAHAKORN COOP".ljust(25) + "070326" + " " * 79 + "\r\n"
        + "D" + "000002" + "006" + "1234567890" + "D" + "000001196551" + "01" + "9" + " " * 44 + "310326"
        + " " * 9 + "000123 สมชาย ใจดี".ljust(31) + " " * 4 + "\r\n"
        + "T" + "000003" + "006" + "9876543210" + "0000001" + "000000001196551" + "0000000"
        + "000000000000000" + " " * 66 + "\r\n"
    ).encode("cp874")  # fmt: skip
    assert data == expected
    assert [len(line) for line in data.split(b"\r\n")[:-1]] == [130, 130, 130]


def test_the_banks_short_list_posts_apart_from_the_unit_with_arrears_and_the_event(
    bank_member, cycle, officer
):
    short = bank_debit_result_read(cycle=cycle, data="เลขทะเบียน,ยอดที่หักได้\n000123,3000.00\n".encode())
    assert short == {bank_member.pk: D("3000.00")}

    [posting] = bank_debits_post(cycle=cycle, short=short, by=officer)

    # then: its own posting and voucher, interest first then principal as a payroll posting would
    assert (posting.method, posting.received, posting.short) == (
        BillingMethod.BANK,
        D("3000.00"),
        D("8965.51"),
    )
    [entry] = JournalEntry.objects.filter(source=EntrySource.BILLING)
    assert entry.description == "รับชำระหักบัญชีธนาคาร งวด 256903 สมาชิก EGAT01 " + bank_member.unit.name
    assert LoanContract.objects.get(number="สม-0123").principal_balance == D("99611.51")
    [event] = BillingEvent.objects.all()
    assert "หักบัญชีธนาคารงวดมีนาคม 2569 หักชำระได้ 3,000.00 บาท" in event.message
    # and: the unit has nothing to post by payroll; the cycle reconciles
    with pytest.raises(BillingError, match="ไม่มีใบเรียกเก็บ"):
        billing_unit_post(cycle=cycle, unit=bank_member.unit, by=officer)
    assert cycle_reconciled(cycle=cycle).ok
    # and: a second posting returns the first
    assert [p.pk for p in bank_debits_post(cycle=cycle, by=officer)] == [posting.pk]
    assert UnitPosting.objects.count() == 1


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("999999,0\n", "แถวที่ 1 เลขทะเบียน 999999: ไม่พบสมาชิก"),
        ("000123,11965.51\n", "แถวที่ 1 เลขทะเบียน 000123 ช่อง ยอดที่หักได้: 11,965.51 บาท ต้องน้อยกว่ายอดเรียกเก็บ"),
        ("000123,10.005\n", "แถวที่ 1 เลขทะเบียน 000123 ช่อง ยอดที่หักได้:"),
        ("000123,0\n000123,0\n", "แถวที่ 2 เลขทะเบียน 000123: ซ้ำกับแถวที่ 1"),
    ],
)
def test_a_bad_short_list_is_refused_whole_by_row_and_field(bank_member, cycle, csv, message):
    with pytest.raises(BillingError) as refused:
        bank_debit_result_read(cycle=cycle, data=csv.encode())

    assert message in refused.value.message
    assert not UnitPosting.objects.exists()


def test_a_payroll_member_is_not_in_the_banks_short_list(member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)

    with pytest.raises(BillingError, match="ไม่ได้ชำระโดยหักบัญชีธนาคาร"):
        bank_debit_result_read(cycle=cycle, data=f"{member.number},0\n".encode())


def test_a_mandate_starts_and_ends_with_a_month_not_yet_frozen(bank_member, cycle, officer):
    [mandate] = bank_member.bank_debit_mandates.all()
    assert (mandate.account_no, mandate.starts) == ("1234567890", MARCH)

    with pytest.raises(BillingError, match="ต้องหลังงวดที่เริ่ม"):
        bank_debit_mandate_end(mandate=mandate, ends=dt.date(2026, 3, 15), by=officer)
    with pytest.raises(BillingError, match="ประมวลผลใบเรียกเก็บของสมาชิกแล้ว"):
        bank_debit_mandate_start(
            member=bank_member, bank_code="002", account_no="1111111111", starts=MARCH, by=officer
        )
    ended = bank_debit_mandate_end(mandate=mandate, ends=dt.date(2026, 4, 20), by=officer)

    assert ended.ends == dt.date(2026, 4, 1)
    with pytest.raises(BillingError, match="เลขที่บัญชี ต้องเป็นตัวเลข 10 หลัก"):
        bank_debit_mandate_start(
            member=bank_member, bank_code="006", account_no="12345", starts=MARCH, by=officer
        )


def test_the_officer_checks_the_banks_list_then_confirms_the_posting(client, bank_member, cycle, officer):
    client.force_login(officer)
    url = reverse("billing:cycle_bank_post", args=[cycle.pk])
    upload = __import__("io").BytesIO(b"000123,1000.00\n")
    upload.name = "short.csv"

    checked = client.post(url, {"file": upload})

    page = checked.content.decode()
    assert "ยืนยัน ผ่านรายการ" in page and "10,965.51" in page
    assert not UnitPosting.objects.exists()
    done = client.post(url, {"carried": checked.context["form"].carried_value, "confirm": "1"}, follow=True)
    posting = UnitPosting.objects.get()
    assert posting.method == BillingMethod.BANK
    voucher = JournalEntry.objects.filter(billing_receipts__posting=posting).distinct().get()
    assert (
        f"สมาชิก 1 หน่วย หักได้ 1,000.00 บาท หักไม่ได้ 10,965.51 บาท ใบสำคัญ {voucher.voucher_label}"
        in done.content.decode()
    )
    # one unit's bank posting lands on its posting page, its receipts to print
    assert done.redirect_chain[-1][0] == reverse("billing:posting", args=[posting.pk])


def test_an_officer_records_a_mandate_on_its_screen_and_a_bad_account_is_named(
    client, member, officer, auditor
):
    client.force_login(officer)
    url = reverse("billing:bank_debits")

    bad = client.post(url, {"mandate": "1", "member": member.number, "bank_code": "006", "account_no": "12",
                            "starts": "01/03/2569"})  # fmt: skip
    good = client.post(url, {"mandate": "1", "member": member.number, "bank_code": "006",
                             "account_no": "1234567890", "starts": "15/03/2569"}, follow=True)  # fmt: skip

    assert "เลขที่บัญชี ต้องเป็นตัวเลข 10 หลัก" in bad.content.decode()
    page = good.content.decode()
    assert "ชำระโดยหักบัญชี 006-1234567890 ตั้งแต่งวด มีนาคม 2569" in page
    assert member.bank_debit_mandates.get().starts == MARCH
    # and: an auditor reads the list but records nothing
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    assert client.post(url, {"mandate": "1", "member": member.number}).status_code == 403


def test_the_cycle_page_offers_the_banks_file_and_its_posting(client, bank_member, cycle, officer):
    client.force_login(officer)

    page = client.get(reverse("billing:cycle", args=[cycle.pk])).content.decode()
    download = client.get(reverse("billing:cycle_bank_file", args=[cycle.pk]))

    assert "สมาชิกที่ชำระโดยหักบัญชีธนาคาร" in page and reverse("billing:cycle_bank_post", args=[cycle.pk]) in page
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="D00620260331-' + cycle.pay_group.code + '.txt"'
    )
    assert len(download.content) == 3 * 132


def test_the_coop_has_one_collecting_account_and_setting_it_again_changes_that_one(bank_member, manager):
    from django.db import IntegrityError, transaction

    from sahakorn.billing.models import BankDebitAccount

    again = bank_debit_account_set(
        bank_code="014", account_no="1111111111", company_name="SAHAKORN", service_code="02", by=manager
    )

    assert list(BankDebitAccount.objects.values_list("pk", "bank_code", "account_no")) == [
        (again.pk, "014", "1111111111")
    ]
    # and: the database refuses a second row however it is written
    with pytest.raises(IntegrityError), transaction.atomic():
        BankDebitAccount.objects.create(
            bank_code="002", account_no="2222222222", company_name="X", service_code="01"
        )
