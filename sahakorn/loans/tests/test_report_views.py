"""The loan report screens, their PDF and Excel downloads, and who may see them."""

import io

import openpyxl
import pytest
from django.urls import reverse

from sahakorn.core.tests.test_reports import pdf_text_streams
from sahakorn.loans.tests.test_reports import book  # noqa: F401  (the hand-built book)

pytestmark = pytest.mark.django_db

ARREARS = "?as_of=15/01/2569"
INTEREST = "?year=2569"


def _xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), data_only=True)


def _cells(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _urls() -> list[str]:
    return [
        reverse("loans:report_register"),
        reverse("loans:report_arrears") + ARREARS,
        reverse("loans:report_guarantors"),
        reverse("loans:report_interest") + INTEREST,
    ]


@pytest.mark.parametrize("role", ["officer", "manager", "accountant", "auditor"])
def test_every_staff_role_sees_every_loan_report(client, book, role, request):  # noqa: F811
    client.force_login(request.getfixturevalue(role))
    for url in _urls():
        assert client.get(url).status_code == 200, url


def test_a_login_without_a_role_gets_403_on_every_report_and_download(client, book, outsider):  # noqa: F811
    client.force_login(outsider)
    for url in _urls():
        sep = "&" if "?" in url else "?"
        for suffix in ("", f"{sep}format=pdf", f"{sep}format=xlsx"):
            assert client.get(url + suffix).status_code == 403, url + suffix


def test_anonymous_goes_to_the_login_page(client, db):
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url, url


def test_side_nav_links_the_four_reports(client, book, officer):  # noqa: F811
    client.force_login(officer)
    text = client.get(reverse("loans:report_register")).text
    for url in _urls():
        assert url.split("?")[0] in text


# ======== Screens ========


def test_register_screen_shows_totals_and_the_gl_ticks(client, book, auditor):  # noqa: F811
    client.force_login(auditor)
    text = client.get(reverse("loans:report_register")).text
    assert "34,000.00" in text and "29,000.00" in text and "42,000.00" in text
    assert "✔" in text and "✘" not in text
    assert "format=pdf" in text and "format=xlsx" in text
    assert "1 ต.ค. 2568" in text  # disbursed on, B.E.


def test_register_screen_filters(client, book, auditor):  # noqa: F811
    client.force_login(auditor)
    text = client.get(reverse("loans:report_register"), {"status": "all", "as_of": "30/11/2568"}).text
    assert "K4" in text and "39,000.00" in text and "ณ วันที่ 30 พฤศจิกายน 2568" in text
    text = client.get(reverse("loans:report_register"), {"unit": book["works"].pk}).text
    assert "K2" in text and ">K1<" not in text and "เงินต้นคงเหลือทั้งทะเบียน" in text


def test_arrears_screen(client, book, officer):  # noqa: F811
    client.force_login(officer)
    text = client.get(reverse("loans:report_arrears") + ARREARS).text
    assert "K2" in text and "K3" in text and ">K1<" not in text
    assert "2,957.26" in text and "089 876 5432" in text and "000011, 000012, 000013" in text
    text = client.get(reverse("loans:report_arrears") + ARREARS + "&min_missed=3").text
    assert ">K2<" not in text and ">K3<" not in text


def test_guarantors_screen(client, book, officer):  # noqa: F811
    client.force_login(officer)
    text = client.get(reverse("loans:report_guarantors")).text
    assert "12,833.34" in text and "6,666.67" in text and "34,000.02" in text
    assert "ค้ำเกินจำนวนสัญญา" in text and "ค้ำครบจำนวนสัญญาแล้ว" in text and "ค้ำได้ไม่เกิน 3 สัญญา" in text
    text = client.get(reverse("loans:report_guarantors"), {"member": "000012"}).text
    assert "8,333.34" in text and "000011" not in text
    assert "ไม่พบสมาชิก" in client.get(reverse("loans:report_guarantors"), {"member": "999999"}).text


def test_interest_screen(client, book, accountant):  # noqa: F811
    client.force_login(accountant)
    text = client.get(reverse("loans:report_interest") + INTEREST).text
    assert "340.77" in text and "541.81" in text and "587.67" in text
    assert "ต.ค. 68" in text and "ก.ย. 69" in text
    assert "✘" not in text


# ======== Downloads ========


@pytest.mark.parametrize(
    "name,query",
    [
        ("loans:report_register", "?status=all"),
        ("loans:report_arrears", ARREARS),
        ("loans:report_guarantors", ""),
        ("loans:report_interest", INTEREST),
    ],
)
def test_each_report_downloads_as_a_pdf_in_sarabun(client, book, accountant, name, query):  # noqa: F811
    client.force_login(accountant)
    sep = "&" if query else "?"
    response = client.get(reverse(name) + query + sep + "format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Sarabun" in pdf_text_streams(response.content)


def test_register_xlsx_has_number_cells_product_subtotals_and_the_exact_total(client, book, accountant):  # noqa: F811
    client.force_login(accountant)
    response = client.get(reverse("loans:report_register") + "?format=xlsx")
    assert response.status_code == 200
    rows = _cells(_xlsx(response).active)
    k2 = next(r for r in rows if r[0] == "K2")
    # amount, rate, installments, paid, left, installment, balance: real numbers
    assert k2[4:12] == ["01/10/2568", 24000, 6, 12, 2, 10, 2000, 20000]
    assert all(isinstance(v, (int, float)) for v in k2[5:12])
    labels = [r[0] for r in rows]
    assert "TEM ทดสอบ emergency" in labels and "TOR ทดสอบ ordinary" in labels
    subtotal = [r for r in rows if r[0] == "TOR ทดสอบ ordinary"][1]
    assert subtotal[5] == 36000 and subtotal[11] == 29000 and subtotal[13] == 2
    total = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert total[5] == 42000 and total[11] == 34000 and total[13] == 3
    assert any(r[0] and str(r[0]).startswith("✔") for r in rows)


def test_arrears_xlsx(client, book, accountant):  # noqa: F811
    client.force_login(accountant)
    rows = _cells(_xlsx(client.get(reverse("loans:report_arrears") + ARREARS + "&format=xlsx")).active)
    k2 = next(r for r in rows if r[0] == "K2")
    assert k2[1:] == ["000002", k2[2], "02", "089 876 5432", 2000, 2, 1, "01/01/2569", 1957.26, 0, 20000,
                      "000011, 000012, 000013"]  # fmt: skip
    assert isinstance(k2[9], (int, float))
    total = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert (total[6], total[9], total[10], total[11]) == (4, 2957.26, 0, 25000)


def test_guarantors_xlsx(client, book, accountant):  # noqa: F811
    client.force_login(accountant)
    rows = _cells(_xlsx(client.get(reverse("loans:report_guarantors") + "?format=xlsx")).active)
    k2_rows = [r for r in rows if r[0] == "K2"]
    assert [r[4:7] for r in k2_rows] == [[3, 20000, 6666.67]] * 3
    subtotals = [r for r in rows if r[0] and str(r[0]).startswith("00001") and r[6] is not None]
    assert [(r[0][:6], r[5], r[6], r[7], r[9]) for r in subtotals] == [
        ("000011", 34000, 12833.34, 3, "ค้ำเกินจำนวนสัญญา"),
        ("000012", 25000, 8333.34, 2, ""),
        ("000013", 34000, 12833.34, 3, "ค้ำครบจำนวนสัญญาแล้ว"),
    ]
    total = next(r for r in rows if r[0] == "รวมทั้งสิ้น")
    assert (total[5], total[6], total[7], total[8]) == (93000, 34000.02, 8, 1)


def test_interest_xlsx_by_month_with_the_gl_sheet(client, book, accountant):  # noqa: F811
    client.force_login(accountant)
    workbook = _xlsx(client.get(reverse("loans:report_interest") + INTEREST + "&format=xlsx"))
    matrix = _cells(workbook.worksheets[0])
    header = next(r for r in matrix if r[0] == "รหัส")
    assert header[2] == "ต.ค. 68" and header[13] == "ก.ย. 69" and header[14] == "รวมทั้งปี"
    tor = next(r for r in matrix if r[0] == "TOR")
    assert tor[2:6] == [0, 183.45, 54.25, 304.11]
    assert tor[14] == 541.81 and isinstance(tor[14], float)
    total = next(r for r in matrix if r[0] == "รวมทั้งสิ้น")
    assert total[14] == 587.67
    recon = _cells(workbook.worksheets[1])
    december = [r for r in recon if r[0] == "ธันวาคม 2568"]
    # emergency then ordinary: received, arrears, settled, accrued, income, GL, mark
    assert [r[1:] for r in december] == [
        [33.53, 0, 28.60, 0, 4.93, 4.93, "✔"],
        [54.25, 0, 52.44, 0, 1.81, 1.81, "✔"],
        [0, 0, 0, 0, 0, 0, "✔"],
    ]
