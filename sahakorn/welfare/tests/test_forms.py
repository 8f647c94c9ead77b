"""Welfare forms read whole numbers with core's IntegerFormField (digits, Thai digits; not 1_000)."""

import pytest

from sahakorn.welfare.forms import ClaimForm

pytestmark = pytest.mark.django_db

INVALID = "กรุณากรอกเป็นตัวเลขจำนวนเต็ม เช่น 12 (ตัวเลขเท่านั้น ไม่มีจุด จุลภาค เครื่องหมาย หรือขีดล่าง)"


def test_claim_days_refuse_1_0_and_read_thai_digits():
    # given
    refused, thai = ClaimForm({"days": "1_0"}), ClaimForm({"days": "๑๒"})

    # when
    refused.is_valid()
    thai.is_valid()

    # then
    assert refused.errors["days"] == [INVALID]
    assert "days" not in thai.errors
    assert thai.cleaned_data["days"] == 12
