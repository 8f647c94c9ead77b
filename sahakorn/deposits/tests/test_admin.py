"""The product settings form (ประเภทเงินฝาก in the admin)."""

import pytest
from django.forms.models import model_to_dict

from sahakorn.deposits.admin import DepositProductForm

pytestmark = pytest.mark.django_db


def _data(product, **changes) -> dict:
    data = {k: v for k, v in model_to_dict(product).items() if v is not None}
    return {**data, **changes}


@pytest.mark.parametrize("basis", ["", "365", "366", "actual"])
def test_the_product_form_sets_or_clears_the_day_basis(savings, basis):
    # given: the seeded savings product (no basis of its own: the coop's)
    assert savings.day_basis == ""
    form = DepositProductForm(data=_data(savings, day_basis=basis), instance=savings)

    # when
    assert form.is_valid(), form.errors
    form.save()

    # then
    savings.refresh_from_db()
    assert savings.day_basis == basis


def test_the_product_form_refuses_an_unknown_day_basis(savings):
    # when
    form = DepositProductForm(data=_data(savings, day_basis="360"), instance=savings)

    # then
    assert not form.is_valid() and "day_basis" in form.errors
