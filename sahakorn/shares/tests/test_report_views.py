"""The report screens, their PDF and Excel downloads, the member's share page, and who may see them."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from sahakorn.core.tests.test_reports import pdf_text_streams
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.models import ShareAccount
from sahakorn.shares.tests.factories import DEFAULT_BRACKETS, share_rules
from sahakorn.shares.tests.test_reports import coop  # noqa: F401  (the hand-built dataset)

pytestmark = pytest.mark.django_db


def _xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), data_only=True)


def _urls(coop) -> list[str]:  # noqa: F811
    a = coop["a"]
    return [
        reverse("shares:account", args=[a.pk]),
        reverse("shares:report_register"),
        reverse("shares:report_monthly_summary") + "?month=11&year=2567",
        reverse("shares:report_member_history", args=[a.pk]),
        reverse("shares:report_monthly_status") + "?as_of=28/02/2568",
        reverse("shares:report_requests"),
    ]


@pytest.mark.parametrize("role", ["officer", "manager", "accountant", "auditor"])
def test_every_staff_role_sees_every_report(client, coop, role, request):  # noqa: F811
    client.force_login(request.getfixturevalue(role))
    for url in _urls(coop):
        assert client.get(url).status_code == 200, url


def test_a_login_without_a_role_gets_403_on_every_report_and_download(client, coop, outsider):  # noqa: F811
    client.force_login(outsider)
    for url in _urls(coop):
        sep = "&" if "?" in url else "?"
        for suffix in ("", f"{sep}format=pdf", f"{sep}format=xlsx"):
            assert client.get(url + suffix).status_code == 403, url + suffix


def test_anonymous_goes_to_the_login_page(client, coop):  # noqa: F811
    assert client.get(reverse("shares:report_register")).status_code == 302


def test_register_screen_shows_the_total_and_the_gl_tick(client, coop, auditor):  # noqa: F811
    client.force_login(auditor)
    response = client.get(reverse("shares:report_register"))
    assert "2,900.00" in response.text
    assert "✔" in response.text and "✘" not in response.text
    assert "format=pdf" in response.text and "format=xlsx" in response.text


@pytest.mark.parametrize(
    "name,query",
    [
        ("shares:report_register", "?order=unit"),
        ("shares:report_monthly_summary", "?month=11&year=2567"),
        ("shares:report_member_history", ""),
        ("shares:report_monthly_status", "?as_of=28/02/2568"),
        ("shares:report_requests", ""),
    ],
)
def test_each_report_downloads_as_a_pdf_in_sarabun(client, coop, accountant, name, query):  # noqa: F811
    client.force_login(accountant)
    args = [coop["a"].pk] if name == "shares:report_member_history" else []
    sep = "&" if query else "?"
    response = client.get(reverse(name, args=args) + query + sep + "format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Sarabun" in pdf_text_streams(response.content)


@pytest.mark.parametrize(
    "name,query,filename",
    [
        ("shares:report_register", "", "share-register-{today}"),
        ("shares:report_monthly_summary", "?month=11&year=2567", "share-monthly-256711"),
        ("shares:report_member_history", "", "share-history-000001"),
        ("shares:report_monthly_status", "?as_of=28/02/2568", "share-status-25680228"),
        ("shares:report_requests", "", "share-requests"),
        ("shares:report_below_minimum", "?on=01/06/2569", "shares-below-minimum-25690601"),
    ],
)
def test_each_report_keeps_its_file_names(client, coop, accountant, name, query, filename):  # noqa: F811
    from sahakorn.core.reports import file_stamp

    client.force_login(accountant)
    args = [coop["a"].pk] if name == "shares:report_member_history" else []
    sep = "&" if query else "?"
    filename = filename.format(today=file_stamp())
    xlsx = client.get(reverse(name, args=args) + query + sep + "format=xlsx")
    assert xlsx.status_code == 200
    assert f'filename="{filename}.xlsx"' in xlsx["Content-Disposition"]
    assert _xlsx(xlsx).worksheets
    if name != "shares:report_below_minimum":  # the work list is a screen and Excel only
        pdf = client.get(reverse(name, args=args) + query + sep + "format=pdf")
        assert f'filename="{filename}.pdf"' in pdf["Content-Disposition"]
        assert pdf.content.startswith(b"%PDF")


def _cells(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_register_xlsx_has_number_cells_with_the_exact_total(client, coop, accountant):  # noqa: F811
    client.force_login(accountant)
    response = client.get(reverse("shares:report_register") + "?format=xlsx")
    assert response.status_code == 200
    rows = _cells(_xlsx(response).active)
    data = {r[0]: r for r in rows if r[0] in ("000001", "000004")}
    assert data["000001"][6:9] == [180, 1800, 20]
    assert all(isinstance(v, (int, float)) for v in data["000001"][6:9])
    total = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert total[6] == 290 and total[7] == pytest.approx(2900.00)
    assert any(r[0] and str(r[0]).startswith("✔") for r in rows)


def test_register_by_unit_xlsx_has_unit_subtotals(client, coop, accountant):  # noqa: F811
    client.force_login(accountant)
    response = client.get(reverse("shares:report_register") + "?order=unit&as_of=31/12/2567&format=xlsx")
    rows = _cells(_xlsx(response).active)
    labels = [r[0] for r in rows]
    assert "01 กองคลัง" in labels and "02 กองช่าง" in labels
    total = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert total[7] == pytest.approx(2800.00)


def test_monthly_summary_xlsx_totals_by_member_type(client, coop, accountant):  # noqa: F811
    client.force_login(accountant)
    response = client.get(reverse("shares:report_monthly_summary") + "?month=11&year=2567&format=xlsx")
    workbook = _xlsx(response)
    rows = _cells(workbook.worksheets[0])
    assert ["สมาชิกสามัญ", 2, 40, 400] in rows
    assert ["รวมทั้งสิ้น", 3, 60, 600] in rows
    assert len(workbook.worksheets) == 2


def test_status_xlsx_lists_the_defaulting_member(client, coop, accountant):  # noqa: F811
    client.force_login(accountant)
    response = client.get(reverse("shares:report_monthly_status") + "?as_of=28/02/2568&format=xlsx")
    detail = _cells(_xlsx(response).worksheets[1])
    a = next(r for r in detail if r[0] == "000001")
    assert a[6] == 3 and a[8] == "ขาดส่งถึงเกณฑ์ผิดนัด" and a[9] == "01/11/2567"


def test_requests_and_history_xlsx(client, coop, accountant):  # noqa: F811
    client.force_login(accountant)
    requests_rows = _cells(_xlsx(client.get(reverse("shares:report_requests") + "?format=xlsx")).active)
    total = next(r for r in requests_rows if r[0] == "รวมทั้งสิ้น")
    assert total[6] == 120 and total[7] == pytest.approx(1200)
    history = _cells(
        _xlsx(
            client.get(reverse("shares:report_member_history", args=[coop["a"].pk]) + "?format=xlsx")
        ).active
    )
    fy2568 = next(r for r in history if r[0] == "2568")
    assert fy2568[1] == "01/10/2567" and fy2568[12] == pytest.approx(1800)


def test_member_share_page_shows_the_record_and_voucher_links(client, coop, accountant):  # noqa: F811
    client.force_login(accountant)
    response = client.get(reverse("shares:account", args=[coop["a"].pk]))
    text = response.text
    assert "1,800.00" in text  # accumulated
    assert "รับโอนหุ้น" in text and "หุ้นแรกเข้า" in text
    assert "JV2567-" in text and reverse("ledger:entry", args=[1]).rsplit("1/", 1)[0] in text
    assert "10 ก.ย. 2567" in text


def test_member_page_shows_the_shares_card(client, coop, officer):  # noqa: F811
    client.force_login(officer)
    response = client.get(reverse("members:detail", args=[coop["a"].pk]))
    assert response.status_code == 200
    assert reverse("shares:account", args=[coop["a"].pk]) in response.text
    assert "1,800.00" in response.text


def test_member_page_of_a_member_who_left_shows_the_pending_refund(client, coop, officer):  # noqa: F811
    client.force_login(officer)
    response = client.get(reverse("members:detail", args=[coop["c"].pk]))
    assert "หุ้นรอจ่ายคืน" in response.text and "300.00" in response.text
    page = client.get(reverse("shares:account", args=[coop["c"].pk]))
    assert "ลาออก" in page.text and "300.00" in page.text


def test_unknown_member_is_404(client, db, auditor):
    client.force_login(auditor)
    assert client.get(reverse("shares:account", args=[999999])).status_code == 404
    assert D("0") == 0 and dt.date.today()


# ======== Members below the minimum after a salary-table change ========


def _raised_table_and_two_members():
    # the 15,001–16,000 bracket rises from 75 to 90 shares from 1 June 2026 (1 มิ.ย. 2569)
    raised = [(edge, D(90) if edge == D(16000) else value) for edge, value in DEFAULT_BRACKETS]
    share_rules(effective_from=dt.date(2026, 6, 1), brackets=raised)
    below = MemberFactory(salary=D("15500.00"), joined_on=dt.date(2015, 1, 1))
    ShareAccount.objects.create(member=below, opened_on=below.joined_on, monthly_shares=75)
    above = MemberFactory(salary=D("15500.00"), joined_on=dt.date(2015, 1, 1))
    ShareAccount.objects.create(member=above, opened_on=above.joined_on, monthly_shares=95)
    return below


def test_below_minimum_screen_lists_the_member_with_the_shortfall(client, officer):
    # given
    below = _raised_table_and_two_members()
    client.force_login(officer)

    # when
    response = client.get(reverse("shares:report_below_minimum"), {"on": "01/06/2569"})

    # then: 90 − 75 = 15 shares short, 150.00 baht a month at par 10
    html = response.content.decode()
    assert response.status_code == 200
    assert below.number in html
    assert "1 มิถุนายน 2569 · 1 ราย" in html
    assert ">15<" in html and ">150.00<" in html
    assert f"{reverse('shares:monthly_change')}?member={below.number}" in html


def test_below_minimum_excel_has_number_cells(client, officer):
    # given
    _raised_table_and_two_members()
    client.force_login(officer)

    # when
    response = client.get(reverse("shares:report_below_minimum"), {"on": "01/06/2569", "format": "xlsx"})

    # then
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 15 in values
    assert 150 in values  # a number cell, not the text "150.00"


def test_below_minimum_is_refused_without_a_role(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("shares:report_below_minimum")).status_code == 403
