import pytest
from django.core.exceptions import ValidationError

from sahakorn.members.models import Unit
from sahakorn.members.services import unit_create, unit_update

pytestmark = pytest.mark.django_db


def test_unit_update_moving_a_unit_moves_its_whole_branch():
    # given
    a = unit_create(code="01", name="A")
    b = unit_create(code="02", name="B")
    a1 = unit_create(code="0101", name="A1", parent=a)
    unit_create(code="010101", name="A1x", parent=a1)

    # when
    unit_update(unit=a1, code="0201", name="A1 ย้ายไป B", parent=b)

    # then
    assert list(Unit.objects.order_by("path").values_list("code", "path")) == [
        ("01", "01/"),
        ("02", "02/"),
        ("0201", "02/0201/"),
        ("010101", "02/0201/010101/"),
    ]


def test_unit_cannot_be_moved_under_its_own_branch():
    # given
    a = unit_create(code="01", name="A")
    a1 = unit_create(code="0101", name="A1", parent=a)

    # when / then
    with pytest.raises(ValidationError) as exc:
        unit_update(unit=a, code="01", name="A", parent=a1)
    assert exc.value.message_dict == {"parent": ["หน่วยสังกัดภายใต้ต้องไม่ใช่ตัวเองหรือหน่วยย่อยของตัวเอง"]}


def test_unit_create_refuses_a_taken_code():
    # given
    unit_create(code="01", name="A")

    # when / then
    with pytest.raises(ValidationError) as exc:
        unit_create(code="01", name="อีกหน่วย")
    assert exc.value.message_dict == {"code": ["รหัสหน่วย 01 มีอยู่แล้ว"]}
