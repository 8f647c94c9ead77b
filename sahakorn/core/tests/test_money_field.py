from decimal import Decimal as D

import pytest

from sahakorn.core.forms import MoneyFormField
from sahakorn.members.models import Member


def test_money_field_refuses_a_third_decimal_place_instead_of_rounding():
    # given
    field = Member._meta.get_field("salary")

    # when / then
    with pytest.raises(ValueError, match="more than two decimal places"):
        field.get_db_prep_save(D("25000.005"), connection=_connection())


def test_money_field_accepts_trailing_zeros_and_refuses_float():
    field = Member._meta.get_field("salary")
    assert field.get_db_prep_save(D("25000.500"), connection=_connection()) is not None
    with pytest.raises(TypeError):
        field.get_db_prep_save(25000.5, connection=_connection())


def test_money_form_field_reads_commas_and_refuses_three_places():
    field = MoneyFormField(required=True)
    assert field.clean("1,234.5") == D("1234.50")
    with pytest.raises(Exception, match="ไม่เกิน 2 ตำแหน่ง"):
        field.clean("10.005")


def _connection():
    from django.db import connection

    return connection
