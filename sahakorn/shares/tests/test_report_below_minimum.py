import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.models import ShareAccount
from sahakorn.shares.tests.factories import DEFAULT_BRACKETS, share_rules

pytestmark = pytest.mark.django_db


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
