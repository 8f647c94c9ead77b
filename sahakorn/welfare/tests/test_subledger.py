"""Welfare in the sub-ledger contract: its reconciliation (``sahakorn welfare check`` = ``sahakorn reconcile``)."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command

from sahakorn.core.subledger import subledger
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.welfare.subledger import SUBLEDGER
from sahakorn.welfare.tests.factories import claim_paid

pytestmark = pytest.mark.django_db


def _cells(line: str) -> str:
    return re.sub(r"\s{2,}", " | ", line.strip())


def test_reconcile_gives_the_check_commands_lines_and_bills_nothing_monthly(birth, officer, manager):
    # given: a 2,000.00 birth gift paid from the welfare fund
    member = MemberFactory()
    claim_paid(scheme=birth, member=member, maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
               beneficiary_name="ลูก")  # fmt: skip

    # when
    result = SUBLEDGER.reconcile(as_of=dt.date(2026, 6, 30))

    # then: six figures per fund, then the verdict
    assert subledger("welfare") is SUBLEDGER
    assert (result.title, result.ok) == ("สวัสดิการ / welfare", True)
    assert [_cells(line) for line in result.lines] == [
        "ทุนสวัสดิการสมาชิก: จ่ายสวัสดิการ ณ วันที่ 30 มิ.ย. 2569 | 2,000.00",
        "ทุนสวัสดิการสมาชิก: กลับรายการ | 0.00",
        "ทุนสวัสดิการสมาชิก: สุทธิตามทะเบียนสวัสดิการ | 2,000.00",
        "ทุนสวัสดิการสมาชิก: เดบิตสุทธิในบัญชีแยกประเภท | 2,000.00",
        "ทุนสวัสดิการสมาชิก: ผลต่าง | 0.00",
        "ทุนสวัสดิการสมาชิก: คำขอที่ใบสำคัญไม่ตรงกับจำนวนเงิน | 0",
        "ทุนการศึกษาบุตรสมาชิก: จ่ายสวัสดิการ ณ วันที่ 30 มิ.ย. 2569 | 0.00",
        "ทุนการศึกษาบุตรสมาชิก: กลับรายการ | 0.00",
        "ทุนการศึกษาบุตรสมาชิก: สุทธิตามทะเบียนสวัสดิการ | 0.00",
        "ทุนการศึกษาบุตรสมาชิก: เดบิตสุทธิในบัญชีแยกประเภท | 0.00",
        "ทุนการศึกษาบุตรสมาชิก: ผลต่าง | 0.00",
        "ทุนการศึกษาบุตรสมาชิก: คำขอที่ใบสำคัญไม่ตรงกับจำนวนเงิน | 0",
        "ตรวจสวัสดิการผ่าน / welfare check OK",
    ]
    # and the check command prints the same lines, as ``sahakorn reconcile --only welfare`` does
    out = StringIO()
    call_command("welfare", "check", "--as-of", "2026-06-30", stdout=out)
    assert [_cells(line) for line in out.getvalue().splitlines()] == [_cells(line) for line in result.lines]
    out = StringIO()
    call_command("reconcile", "--only", "welfare", "--as-of", "2026-06-30", stdout=out)
    assert "== สวัสดิการ / welfare" in out.getvalue() and "ตรวจสวัสดิการผ่าน / welfare check OK" in out.getvalue()
    assert SUBLEDGER.monthly_demands(member=member, period=dt.date(2026, 6, 1)) == []
