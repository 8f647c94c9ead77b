"""Deposit screens: login and permission, the counter operations, refusals shown beside the field."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.deposits.models import DepositAccount, DepositHold, DepositTransaction, InterestRun
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_anonymous_users_go_to_login_and_outsiders_get_403(client, outsider, savings):
    # given
    account = account_open(product=savings, amount="100")
    url = reverse("deposits:account", args=[account.pk])

    # when / then
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    for name, args in (("accounts", []), ("account", [account.pk]), ("open", []), ("deposit", [account.pk]),
                       ("interest_runs", []), ("products", [])):  # fmt: skip
        assert client.get(reverse(f"deposits:{name}", args=args)).status_code == 403


def test_auditor_reads_but_cannot_operate(client, auditor, savings):
    # given
    account = account_open(product=savings, amount="100")
    client.force_login(auditor)

    # when / then
    assert client.get(reverse("deposits:accounts"), {"q": account.number}).status_code == 200
    page = client.get(reverse("deposits:account", args=[account.pk]))
    assert page.status_code == 200 and "100.00" in page.content.decode()
    assert client.get(reverse("deposits:products")).status_code == 200
    assert client.get(reverse("deposits:withdraw", args=[account.pk])).status_code == 403


def test_the_products_page_shows_the_products_day_basis_or_the_coops(client, auditor, savings, special,
                                                                     coop_day_basis_set):  # fmt: skip
    # given: the coop divides every day by 365; ออมทรัพย์พิเศษ overrides with the actual year length
    coop_day_basis_set("365")
    special.day_basis = "actual"
    special.save(update_fields=["day_basis"])
    client.force_login(auditor)

    # when
    page = client.get(reverse("deposits:products")).content.decode()

    # then
    assert "ตามที่สหกรณ์กำหนด (หาร 365 วันเสมอ)" in page
    assert "ตามจำนวนวันจริงของแต่ละปี (ปีอธิกสุรทินหาร 366)" in page


def test_officer_opens_an_account_and_deposits_with_be_dates(client, officer, savings):
    # given
    member = MemberFactory()
    client.force_login(officer)

    # when
    response = client.post(reverse("deposits:open"), {"member": member.number, "product": savings.pk,
                                                      "opened_on": "10/01/2568", "initial_amount": "1,000.00",
                                                      "channel": "cash"})  # fmt: skip

    # then
    account = DepositAccount.objects.get(member=member)
    assert response.status_code == 302 and account.opened_on == dt.date(2025, 1, 10)
    response = client.post(reverse("deposits:deposit", args=[account.pk]),
                           {"amount": "250.50", "channel": "transfer", "on": "11/01/2568", "memo": ""})  # fmt: skip
    assert response.status_code == 302 and fresh(account).balance == D("1250.50")
    page = client.get(reverse("deposits:account", args=[account.pk])).content.decode()
    assert "1,250.50" in page and "11 ม.ค. 2568" in page


def test_a_refused_withdrawal_names_the_field_and_changes_nothing(client, officer, special):
    # given: minimum balance 1,000
    account = account_open(product=special, amount="5000")
    client.force_login(officer)

    # when
    response = client.post(reverse("deposits:withdraw", args=[account.pk]),
                           {"amount": "4500", "channel": "cash", "on": "10/01/2568"})  # fmt: skip

    # then
    assert response.status_code == 400
    assert "1,000.00" in response.content.decode()
    assert fresh(account).balance == D("5000.00") and DepositTransaction.objects.count() == 1


def test_hold_place_and_release_from_the_account_page(client, officer, savings):
    # given
    account = account_open(product=savings, amount="1000")
    client.force_login(officer)

    # when
    client.post(reverse("deposits:hold_place", args=[account.pk]),
                {"amount": "300", "reason": "ค้ำประกันเงินกู้", "on": "10/01/2568"})  # fmt: skip
    hold = DepositHold.objects.get()
    client.post(reverse("deposits:hold_release", args=[hold.pk]), {"on": "11/01/2568"})

    # then
    hold.refresh_from_db()
    assert hold.amount == D("300.00") and hold.released_on == dt.date(2025, 1, 11)


def test_interest_run_screen_only_runs_for_the_manager(client, officer, manager, savings):
    # given
    account_open(product=savings, amount="100000", on=dt.date(2025, 1, 1))
    data = {"product": savings.pk, "period_end": "30/06/2568", "posted_on": ""}

    # when / then
    client.force_login(officer)
    assert client.get(reverse("deposits:interest_runs")).status_code == 200
    assert client.post(reverse("deposits:interest_runs"), data).status_code == 403
    client.force_login(manager)
    assert client.post(reverse("deposits:interest_runs"), data).status_code == 302
    assert InterestRun.objects.get().amount == D("743.84")


def test_member_page_shows_the_deposit_card(client, officer, savings):
    # given
    account = account_open(product=savings, amount="4321")
    client.force_login(officer)

    # when
    page = client.get(reverse("members:detail", args=[account.member_id])).content.decode()

    # then
    assert account.number in page and "4,321.00" in page


def test_a_deposit_dated_ahead_is_refused_beside_the_date(client, officer, savings):
    # given (issue 11: a deposit dated ahead was accepted at the counter)
    from sahakorn.core.dates import today
    from sahakorn.core.thai import format_be_date

    account = account_open(product=savings, amount="1000")
    client.force_login(officer)
    ahead = today() + dt.timedelta(days=1)

    # when: tomorrow typed as dd/mm/yyyy in B.E.
    response = client.post(reverse("deposits:deposit", args=[account.pk]),
                           {"amount": "500", "channel": "cash", "on": format_be_date(ahead, "numeric")})  # fmt: skip

    # then: the policy's message beside the date field, nothing written
    assert response.status_code == 400
    assert response.context["form"].errors["on"] == [
        f"รายการฝากเงิน ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(today())})"
    ]
    assert fresh(account).balance == D("1000.00") and DepositTransaction.objects.count() == 1


def test_the_monthly_payroll_deposit_is_set_on_the_account_page(client, officer, savings, fixed):
    # given
    account = account_open(product=savings, amount="1000")
    client.force_login(officer)
    url = reverse("deposits:monthly_deposit", args=[account.pk])

    # when: a typo, then the amount
    bad = client.post(url, {"monthly_deposit": "5oo"})
    done = client.post(url, {"monthly_deposit": "500"}, follow=True)

    # then
    assert bad.status_code == 400 and "ฝากรายเดือน หักจากเงินเดือน (บาท)" in bad.content.decode()
    assert "บันทึกยอดฝากรายเดือนแล้ว" in done.content.decode() and "500.00" in done.content.decode()
    assert fresh(account).monthly_deposit == D("500.00")
