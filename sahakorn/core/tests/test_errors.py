"""The one refusal (ServiceError) and the one way a screen shows it (error_to_form)."""

from django import forms
from django.core.exceptions import ValidationError

from sahakorn.core.errors import ServiceError
from sahakorn.core.forms import error_to_form
from sahakorn.core.rules import RuleCheck


class PaymentForm(forms.Form):
    amount = forms.DecimalField()
    on = forms.DateField()


class BeneficiaryForm(forms.Form):
    name = forms.CharField()
    share = forms.IntegerField()


Beneficiaries = forms.formset_factory(BeneficiaryForm, extra=3)


def _bound() -> PaymentForm:
    form = PaymentForm({"amount": "10", "on": "2026-12-01"})
    form.is_valid()
    return form


def test_a_field_message_goes_beside_its_field():
    form = _bound()
    error_to_form(form, ServiceError("จำนวนเงินต้องมากกว่า 0", field="amount"))
    assert form.errors == {"amount": ["จำนวนเงินต้องมากกว่า 0"]}


def test_a_message_for_a_field_the_form_lacks_shows_above_the_form():
    form = _bound()
    error_to_form(form, ServiceError("สมาชิกลาออกแล้ว", field="member"))
    assert form.non_field_errors() == ["สมาชิกลาออกแล้ว"]


def test_several_field_messages_each_beside_their_field():
    form = _bound()
    error = ServiceError("ข้อมูลไม่ครบ", errors={"amount": "กรุณากรอกจำนวนเงิน", "on": "วันที่ปิดงวดแล้ว"})
    error_to_form(form, error)
    assert form.errors == {"amount": ["กรุณากรอกจำนวนเงิน"], "on": ["วันที่ปิดงวดแล้ว"]}
    assert error.field == "amount"


def test_a_django_validation_error_is_placed_the_same_way():
    form = _bound()
    error_to_form(form, ValidationError({"amount": "เกินวงเงิน", "unit": "ไม่พบหน่วย"}))
    assert form.errors["amount"] == ["เกินวงเงิน"]
    assert form.non_field_errors() == ["ไม่พบหน่วย"]


def test_a_validation_error_without_field_names_shows_above_the_form():
    form = _bound()
    error_to_form(form, ValidationError(["ปิดงวดแล้ว", "ติดต่อผู้จัดการ"]))
    assert form.non_field_errors() == ["ปิดงวดแล้ว", "ติดต่อผู้จัดการ"]
    assert not form.has_error("amount")


def test_a_formset_row_message_goes_beside_that_rows_field_and_list_messages_are_returned():
    formset = Beneficiaries(
        {
            "form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0",
            "form-0-name": "ก", "form-0-share": "60", "form-2-name": "ข", "form-2-share": "30",
        }
    )  # fmt: skip
    formset.is_valid()
    error = ServiceError(
        "ส่วนแบ่งไม่ครบร้อยละ 100",
        errors={"beneficiaries-1-share": "ส่วนแบ่งต้องมากกว่า 0", "beneficiaries": "รวมได้ร้อยละ 90"},
    )
    # The second beneficiary in the list was typed in the third form (the second was left blank).
    listed = error_to_form(None, error, formset=formset, formset_prefix="beneficiaries", used=[0, 2])
    assert formset.forms[2].errors == {"share": ["ส่วนแบ่งต้องมากกว่า 0"]}
    assert listed == ["รวมได้ร้อยละ 90"]


def test_the_api_body_names_the_field_the_row_and_the_checks():
    check = RuleCheck(
        rule="ส่งหุ้นมาแล้วอย่างน้อย 6 เดือน", figure="ส่งมาแล้ว 4 เดือน", passed=False, message="ยังไม่ครบ"
    )
    error = ServiceError("ยื่นคำขอไม่ได้", field="amount", row=7, checks=[check])
    assert error.as_json() == {
        "error": "ยื่นคำขอไม่ได้",
        "field": "amount",
        "errors": {"amount": "ยื่นคำขอไม่ได้"},
        "row": 7,
        "checks": [
            {
                "rule": "ส่งหุ้นมาแล้วอย่างน้อย 6 เดือน",
                "figure": "ส่งมาแล้ว 4 เดือน",
                "passed": False,
                "message": "ยังไม่ครบ",
            }
        ],
    }
    assert error.failed_checks == [check]
    assert ServiceError("ปิดงวดแล้ว").as_json() == {"error": "ปิดงวดแล้ว"}


def test_every_app_error_is_a_service_error():
    from sahakorn.deposits.errors import DepositError
    from sahakorn.funeral.errors import FuneralError
    from sahakorn.ledger.errors import LedgerError
    from sahakorn.loans.errors import LoanError
    from sahakorn.shares.errors import ShareError
    from sahakorn.welfare.errors import WelfareError

    for cls in (DepositError, FuneralError, LedgerError, LoanError, ShareError, WelfareError):
        assert issubclass(cls, ServiceError), cls
