"""Maker-checker: whoever recorded a request may neither approve nor reject it; only an approver decides."""

from dataclasses import dataclass

import pytest

from sahakorn.core.approvals import APPROVED, PENDING, MakerChecker, decision_guard, rejection_note
from sahakorn.core.errors import ServiceError


@dataclass
class Request:
    """A request as ``decision_guard`` reads it (the rule needs no table to be stated)."""

    pk: int
    status: str
    requested_by_id: int | None
    approve_permission = "shares.approve_sharerequest"
    decision_noun = "คำขอ"
    is_maker = MakerChecker.is_maker

    def get_status_display(self) -> str:
        return {PENDING: "รออนุมัติ", APPROVED: "อนุมัติแล้ว"}[self.status]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["อนุมัติ", "ไม่อนุมัติ"])
def test_the_maker_may_neither_approve_nor_reject_a_manager_included(manager, action):
    request = Request(pk=12, status=PENDING, requested_by_id=manager.pk)
    with pytest.raises(ServiceError) as refused:
        decision_guard(request, by=manager, action=action, error=ServiceError)
    assert refused.value.message == f"ผู้{action}ต้องไม่ใช่ผู้บันทึกคำขอ (ต้องมีผู้ตรวจสอบคนที่สอง)"


@pytest.mark.django_db
def test_an_officer_without_the_approve_permission_decides_nothing(officer, manager):
    request = Request(pk=12, status=PENDING, requested_by_id=manager.pk)
    with pytest.raises(ServiceError) as refused:
        decision_guard(request, by=officer, action="อนุมัติ", error=ServiceError)
    assert refused.value.message == "ผู้ใช้ officer1 ไม่มีสิทธิ์อนุมัติคำขอ"


@pytest.mark.django_db
def test_a_decided_request_is_not_decided_again(manager, manager2):
    request = Request(pk=12, status=APPROVED, requested_by_id=manager.pk)
    with pytest.raises(ServiceError) as refused:
        decision_guard(request, by=manager2, action="ไม่อนุมัติ", error=ServiceError)
    assert refused.value.message == "คำขอเลขที่ 12 มีสถานะอนุมัติแล้ว ไม่อนุมัติอีกไม่ได้"


@pytest.mark.django_db
def test_a_second_manager_decides_and_a_system_request_has_no_maker(manager, manager2):
    decision_guard(
        Request(pk=1, status=PENDING, requested_by_id=manager.pk),
        by=manager2,
        action="อนุมัติ",
        error=ServiceError,
    )
    decision_guard(
        Request(pk=2, status=PENDING, requested_by_id=None), by=manager2, action="อนุมัติ", error=ServiceError
    )


def test_a_rejection_says_why():
    with pytest.raises(ServiceError) as refused:
        rejection_note("   ", error=ServiceError)
    assert refused.value.field == "note"
    assert rejection_note("  เอกสารไม่ครบ ", error=ServiceError) == "เอกสารไม่ครบ"
