import datetime as dt

import pytest

from sahakorn.core.admin import CoopProfileForm
from sahakorn.core.models import CoopProfile
from sahakorn.ledger.services import fiscal_year_ensure

pytestmark = pytest.mark.django_db


def _data(profile, month):
    return {
        "name_th": profile.name_th,
        "fiscal_year_start_month": month,
        "day_basis": profile.day_basis,
        "installment_grace_days": profile.installment_grace_days,
        "month_end_days_ahead": profile.month_end_days_ahead,
        "manual_voucher_approval_above": profile.manual_voucher_approval_above,
    }


def test_fiscal_year_start_month_can_change_before_go_live():
    profile = CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ", fiscal_year_start_month=1)
    form = CoopProfileForm(data=_data(profile, 10), instance=profile)
    assert form.is_valid(), form.errors


def test_fiscal_year_start_month_is_refused_once_a_fiscal_year_exists():
    # given
    profile = CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ", fiscal_year_start_month=1)
    fiscal_year_ensure(on=dt.date(2026, 5, 1))

    # when
    form = CoopProfileForm(data=_data(profile, 10), instance=profile)

    # then
    assert not form.is_valid()
    assert form.errors["fiscal_year_start_month"] == ["เปลี่ยนเดือนเริ่มต้นปีบัญชีไม่ได้ เพราะเปิดปีบัญชีไปแล้ว"]


def test_the_day_basis_and_grace_days_are_the_coops_settings():
    # given
    profile = CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ")
    assert (profile.day_basis, profile.installment_grace_days) == ("365", 0)

    # when
    form = CoopProfileForm(
        data={**_data(profile, 1), "day_basis": "actual", "installment_grace_days": "5"}, instance=profile
    )

    # then
    assert form.is_valid(), form.errors
    form.save()
    profile.refresh_from_db()
    assert (profile.day_basis, profile.installment_grace_days) == ("actual", 5)
    bad = CoopProfileForm(data={**_data(profile, 1), "day_basis": "360"}, instance=profile)
    assert "day_basis" in bad.errors


def test_the_manual_voucher_approval_limit_is_the_coops_setting():
    # given: 100,000.00 baht unless the coop sets its own
    profile = CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ")
    assert profile.manual_voucher_approval_above == 100000

    # when
    form = CoopProfileForm(
        data={**_data(profile, 1), "manual_voucher_approval_above": "50,000.00"}, instance=profile
    )

    # then
    assert form.is_valid(), form.errors
    form.save()
    profile.refresh_from_db()
    assert str(profile.manual_voucher_approval_above) == "50000.00"
    bad = CoopProfileForm(data={**_data(profile, 1), "manual_voucher_approval_above": "-1"}, instance=profile)
    assert "manual_voucher_approval_above" in bad.errors
