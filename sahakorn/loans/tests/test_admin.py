"""The rules settings: a new version with its guarantor bands, refused when dated before a contract
already paid out; versions read-only afterwards."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.core.thai import format_be_date
from sahakorn.loans.models import GuaranteeRules, LoanProductRules
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db


def _rules_form(product, on: dt.date, **overrides) -> dict:
    return {
        "product": str(product.pk), "effective_from": format_be_date(on, "numeric"), "note": "มติกรรมการ",
        "annual_rate": "6.250", "max_amount": "1200000.00", "max_installments": "150",
        "repayment_style": "equal_installment", "installment_rounding": "ten_baht_up",
        "interest_rounding": "satang_half_up", "earns_average_return": "on", "member_types": "ordinary",
        "salary_multiple": "40", "min_share_percent": "10", "own_funds_percent": "", "min_membership_months": "6",
        "net_pay_min_percent": "30", "net_pay_min_amount": "3000.00", "max_age_at_end": "70",
        "guarantor_bands-TOTAL_FORMS": "2", "guarantor_bands-INITIAL_FORMS": "0",
        "guarantor_bands-MIN_NUM_FORMS": "0", "guarantor_bands-MAX_NUM_FORMS": "1000",
        "guarantor_bands-0-amount_up_to": "300000.00", "guarantor_bands-0-guarantors": "1",
        "guarantor_bands-1-amount_up_to": "", "guarantor_bands-1-guarantors": "3",
        **overrides,
    }  # fmt: skip


def test_a_new_rules_version_with_its_bands(client, admin_user, ordinary):
    # given: a contract of the product paid out on 1 October 2569
    contract_create(product=ordinary, disbursed_on=dt.date(2026, 10, 1))
    client.force_login(admin_user)

    # when: dated on that day it is refused; a day later it is saved with who added it
    refused = client.post(
        reverse("admin:loans_loanproductrules_add"), _rules_form(ordinary, dt.date(2026, 10, 1))
    )
    saved = client.post(
        reverse("admin:loans_loanproductrules_add"), _rules_form(ordinary, dt.date(2026, 10, 2))
    )

    # then
    assert refused.status_code == 200
    assert "จ่ายเงินกู้แล้วถึงวันที่ 1 ต.ค. 2569" in refused.content.decode()
    assert saved.status_code == 302, saved.content.decode()[:2000]
    rules = LoanProductRules.objects.get(product=ordinary, effective_from=dt.date(2026, 10, 2))
    assert (rules.annual_rate, rules.created_by) == (D("6.250"), admin_user)
    assert [(b.amount_up_to, b.guarantors) for b in rules.guarantor_bands.all()] == [
        (D("300000.00"), 1),
        (None, 3),
    ]
    assert client.post(reverse("admin:loans_loanproductrules_change", args=[rules.pk]), {}).status_code == 403
    assert client.get(reverse("admin:loans_loanproductrules_delete", args=[rules.pk])).status_code == 403


def test_two_open_top_bands_are_refused(client, admin_user, ordinary):
    client.force_login(admin_user)
    form = _rules_form(ordinary, dt.date(2027, 1, 1), **{"guarantor_bands-0-amount_up_to": ""})
    response = client.post(reverse("admin:loans_loanproductrules_add"), form)
    assert response.status_code == 200 and "ขึ้นไป" in response.content.decode()
    assert not LoanProductRules.objects.filter(effective_from=dt.date(2027, 1, 1)).exists()


def test_guarantee_rules_version_forbidding_spouses(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:loans_guaranteerules_add"), {
        "effective_from": "1/1/2570", "max_contracts_per_guarantor": "2", "max_amount_per_guarantor": "2000000.00",
        "min_membership_months": "24", "member_types": "ordinary", "forbid_spouse": "on"})  # fmt: skip
    assert response.status_code == 302
    rules = GuaranteeRules.objects.get(effective_from=dt.date(2027, 1, 1))
    assert (rules.forbid_spouse, rules.max_contracts_per_guarantor, rules.created_by) == (True, 2, admin_user)
