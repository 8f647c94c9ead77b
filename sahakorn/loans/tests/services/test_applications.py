"""Applications: refused with the failed checks listed; maker-checker approval re-runs the checks."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import ApplicationStatus
from sahakorn.loans.services import loan_application_approve, loan_application_create, loan_application_reject
from sahakorn.loans.tests.conftest import APPLIED, borrower, guarantor


def _apply(product, member, by, amount="150000.00", guarantors=None):
    return loan_application_create(member=member, product=product, amount=D(amount), installments=120,
                                   guarantors=guarantors or [], applied_on=APPLIED, by=by)  # fmt: skip


def test_create_stores_checks_and_guarantees(ordinary, officer):
    member, g = borrower(), guarantor()
    app = _apply(ordinary, member, officer, guarantors=[g])
    assert app.status == ApplicationStatus.PENDING
    assert all(c["passed"] for c in app.checks)
    assert [x.guarantor for x in app.guarantees.all()] == [g]


def test_create_refuses_listing_failed_checks(ordinary, officer):
    member = borrower(shares=1000)  # 10,000: enough for 100,000 only; no guarantor
    with pytest.raises(LoanError) as e:
        _apply(ordinary, member, officer)
    failed = {c.message for c in e.value.failed_checks}
    assert failed == {"ทุนเรือนหุ้นไม่ถึงร้อยละที่กำหนดของเงินกู้", "จำนวนผู้ค้ำไม่ครบตามวงเงิน"}
    assert "ยื่นคำขอกู้ไม่ได้" in e.value.message


def test_maker_checker(ordinary, manager, manager2, officer):
    app = _apply(ordinary, borrower(), manager, guarantors=[guarantor()])
    with pytest.raises(LoanError, match="ผู้อนุมัติต้องไม่ใช่ผู้บันทึก"):
        loan_application_approve(application=app, by=manager)
    with pytest.raises(LoanError, match="ไม่มีสิทธิ์"):
        loan_application_approve(application=app, by=officer)
    app = loan_application_approve(application=app, by=manager2, note="มติ")
    assert app.status == ApplicationStatus.APPROVED and app.decided_by == manager2
    with pytest.raises(LoanError, match="อนุมัติแล้ว"):
        loan_application_approve(application=app, by=manager2)


def test_approve_reruns_checks(ordinary, officer, manager):
    from sahakorn.members.services import member_status_change

    g = guarantor()
    app = _apply(ordinary, borrower(), officer, guarantors=[g])
    member_status_change(
        member=g, to_status="resigned", effective_on=dt.date(2025, 3, 2), reason="ลาออก", by=officer
    )
    with pytest.raises(LoanError) as e:
        loan_application_approve(application=app, by=manager)
    assert "ผู้ค้ำไม่ได้อยู่ในสถานะปกติ" in {c.message for c in e.value.failed_checks}


def test_reject_needs_reason_and_ends_guarantees(ordinary, officer, manager):
    app = _apply(ordinary, borrower(), officer, guarantors=[guarantor()])
    with pytest.raises(LoanError):
        loan_application_reject(application=app, by=manager, note="")
    app = loan_application_reject(application=app, by=manager, note="ไม่ผ่านมติ")
    assert app.status == ApplicationStatus.REJECTED
    assert not app.guarantees.filter(ended_on__isnull=True).exists()


def test_a_manager_may_not_reject_their_own_application_either(ordinary, manager, manager2):
    # given: an application recorded by a manager
    app = _apply(ordinary, borrower(), manager, guarantors=[guarantor()])

    # when / then: they may not reject it (nor approve it); it stays pending, the guarantee in force
    with pytest.raises(LoanError, match="ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกคำขอกู้"):
        loan_application_reject(application=app, by=manager, note="ขอถอนคำขอ")
    app.refresh_from_db()
    assert (app.status, app.decided_by) == (ApplicationStatus.PENDING, None)
    assert app.guarantees.filter(ended_on__isnull=True).count() == 1

    # and a second manager may
    app = loan_application_reject(application=app, by=manager2, note="ผู้กู้ขอถอนคำขอ")
    assert (app.status, app.decided_by, app.decision_note) == (
        ApplicationStatus.REJECTED,
        manager2,
        "ผู้กู้ขอถอนคำขอ",
    )


def test_application_dated_ahead_is_refused_and_nothing_is_recorded(ordinary, officer):
    # given (issue 11: a loan application dated in the future was accepted)
    from sahakorn.core.dates import today
    from sahakorn.core.thai import format_be_date
    from sahakorn.loans.models import Guarantee, LoanApplication

    now = today()
    ahead = now + dt.timedelta(days=1)

    # when / then
    with pytest.raises(LoanError) as e:
        loan_application_create(member=borrower(), product=ordinary, amount=D("150000.00"), installments=120,
                                guarantors=[guarantor()], applied_on=ahead, by=officer)  # fmt: skip
    assert e.value.field == "applied_on"
    assert e.value.message == (
        f"คำขอกู้ ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(now)})"
    )
    assert (LoanApplication.objects.count(), Guarantee.objects.count()) == (0, 0)
