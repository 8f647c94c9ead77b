"""Share forms read whole numbers with core's IntegerFormField (digits, Thai digits; not 1_000)."""

import pytest

from sahakorn.shares.forms import PurchaseForm

pytestmark = pytest.mark.django_db

INVALID = "กรุณากรอกเป็นตัวเลขจำนวนเต็ม เช่น 12 (ตัวเลขเท่านั้น ไม่มีจุด จุลภาค เครื่องหมาย หรือขีดล่าง)"


def test_share_purchase_refuses_1_000_shares_and_reads_thai_digits():
    # given: int() took "1_000" as 1,000 shares and "1e3" came from the number box
    typed = {"shares": "1_000"}, {"shares": "1e3"}, {"shares": "๑๒"}

    # when
    forms = [PurchaseForm(data) for data in typed]
    for form in forms:
        form.is_valid()

    # then
    assert [form.errors.get("shares") for form in forms] == [[INVALID], [INVALID], None]
    assert forms[2].cleaned_data["shares"] == 12
