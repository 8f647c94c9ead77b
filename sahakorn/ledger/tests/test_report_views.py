"""The back-dated vouchers report (ใบสำคัญลงวันที่ย้อนหลัง): back-dating is audited (issue 11)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from sahakorn.core.dates import today
from sahakorn.core.tests.test_reports import pdf_text_streams
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import EntrySource, FiscalYear
from sahakorn.ledger.tests.factories import voucher_record

pytestmark = pytest.mark.django_db
URL = "ledger:report_backdated"


@pytest.fixture
def books(accountant):
    """Three vouchers posted today: one dated today, one 3 days back, one 40 days back (from the loans)."""
    accountant.first_name, accountant.last_name = "สมศรี", "ใจดี"
    accountant.save()
    return {
        "today": voucher_record(today(), "10.00", description="รับเงินวันนี้", by=accountant),
        "three": voucher_record(today() - dt.timedelta(days=3), "20.00", description="รับเงินเมื่อวันศุกร์", by=accountant),
        "forty": voucher_record(
            today() - dt.timedelta(days=40), "30.00", debit="loan_ordinary", credit="cash",
            description="ชำระเงินกู้ย้อนหลัง", by=accountant, source=EntrySource.LOANS,
        ),
    }  # fmt: skip


@pytest.mark.parametrize("role", ["accountant", "auditor", "officer", "manager"])
def test_the_report_lists_each_voucher_dated_before_it_was_posted(client, request, books, role):
    # given
    client.force_login(request.getfixturevalue(role))

    # when
    response = client.get(reverse(URL))

    # then: the two back-dated vouchers, oldest date first, with the days back and who posted them
    html = response.content.decode()
    assert response.status_code == 200
    assert "รายงานใบสำคัญลงวันที่ย้อนหลัง" in html and "2 ฉบับ" in html
    forty, three = books["forty"], books["three"]
    assert html.index(forty.voucher_label) < html.index(three.voucher_label)
    assert "รับเงินวันนี้" not in html
    row = html[html.index(forty.voucher_label) :]
    for text in (format_be_date(forty.date), format_be_date(today()), '<td class="num">40</td>', "เงินกู้",
                 "ชำระเงินกู้ย้อนหลัง", "สมศรี ใจดี"):  # fmt: skip
        assert text in row[: row.index("</tr>")]
    assert f'href="{reverse(URL)}"' in html  # in the ledger's menu


def test_the_report_filters_by_fiscal_year_date_range_and_source(client, accountant, books):
    client.force_login(accountant)
    three, forty = books["three"], books["forty"]
    year = FiscalYear.objects.get(pk=three.fiscal_year_id)

    by_source = client.get(reverse(URL), {"source": "loans"}).content.decode()
    assert forty.voucher_label in by_source and three.voucher_label not in by_source

    span = {"start": format_be_date(three.date, "numeric"), "end": format_be_date(today(), "numeric")}
    by_dates = client.get(reverse(URL), span).content.decode()
    assert three.voucher_label in by_dates and forty.voucher_label not in by_dates

    by_year = client.get(reverse(URL), {"fiscal_year": year.pk}).content.decode()
    assert three.voucher_label in by_year
    assert (forty.voucher_label in by_year) == (forty.fiscal_year_id == year.pk)


def test_the_report_downloads_as_pdf_and_excel(client, auditor, books):
    client.force_login(auditor)

    pdf = client.get(reverse(URL), {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"Sarabun" in pdf_text_streams(pdf.content)

    xlsx = client.get(reverse(URL), {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), data_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows.index(
        ["เลขที่ใบสำคัญ", "ลงวันที่", "ผ่านรายการเมื่อ", "ย้อนหลัง (วัน)", "ที่มา", "คำอธิบาย", "ผู้ผ่านรายการ"]
    )
    assert rows[header + 1][0] == books["forty"].voucher_label and rows[header + 1][3] == 40
    assert rows[header + 2][0] == books["three"].voucher_label and rows[header + 2][3] == 3


def test_an_outsider_cannot_read_the_report(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse(URL)).status_code == 403
