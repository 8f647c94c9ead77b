"""Rule checks: kept as JSON on a request, and one refusal wording when any failed."""

import pytest

from sahakorn.core.errors import ServiceError
from sahakorn.core.rules import PASSED, RuleCheck, checks_failed, checks_refuse


def test_a_check_round_trips_through_json():
    check = RuleCheck(rule="วงเงินกู้ไม่เกิน 40 เท่าของเงินเดือน", figure="400,000.00 ≤ 1,000,000.00", passed=True)
    assert check.message == PASSED
    assert RuleCheck.from_json(check.as_json()) == check


def test_failed_checks_refuse_with_each_reason_and_its_figure():
    checks = [
        RuleCheck(rule="อายุสมาชิก", figure="12 เดือน", passed=True),
        RuleCheck(rule="ผู้ค้ำ", figure="1 คน", passed=False, message="ต้องมีผู้ค้ำ 2 คน"),
        RuleCheck(rule="หุ้น", figure="9,000.00", passed=False, message="หุ้นไม่ถึง 10,000.00"),
    ]
    assert checks_failed(checks) == checks[1:]
    with pytest.raises(ServiceError) as refused:
        checks_refuse(checks, action="ยื่นคำขอกู้", error=ServiceError)
    assert refused.value.message == "ยื่นคำขอกู้ไม่ได้: ต้องมีผู้ค้ำ 2 คน (1 คน); หุ้นไม่ถึง 10,000.00 (9,000.00)"
    assert refused.value.checks == checks


def test_passing_checks_refuse_nothing():
    checks_refuse(
        [RuleCheck(rule="อายุสมาชิก", figure="12 เดือน", passed=True)], action="อนุมัติ", error=ServiceError
    )
