"""The one date policy (core.dates): counter movements never ahead, batches month-end, in order."""

import datetime as dt

import pytest

from sahakorn.core.dates import month_end_batch_check, refuse_after_batch_limit, refuse_future, today
from sahakorn.core.errors import ServiceError
from sahakorn.core.models import CoopProfile
from sahakorn.core.months import add_months, month_end

pytestmark = pytest.mark.django_db


def test_a_counter_movement_may_be_dated_today_but_not_tomorrow():
    refuse_future(today(), what="รายการฝากเงิน")
    with pytest.raises(ServiceError) as e:
        refuse_future(today() + dt.timedelta(days=1), what="รายการฝากเงิน", field="on")
    assert e.value.field == "on"
    assert e.value.message.startswith("รายการฝากเงิน ลงวันที่ ")
    assert "ซึ่งเป็นวันในอนาคตไม่ได้" in e.value.message


def test_a_batch_may_run_the_coops_allowance_ahead():
    CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ", month_end_days_ahead=2)
    refuse_after_batch_limit(today() + dt.timedelta(days=2), what="ประมวลผลดอกเบี้ยค้างรับ")
    with pytest.raises(ServiceError, match="ได้ไม่เกิน 2 วันก่อนสิ้นเดือน"):
        refuse_after_batch_limit(today() + dt.timedelta(days=3), what="ประมวลผลดอกเบี้ยค้างรับ")


def test_a_month_end_batch_takes_month_ends_in_order_without_gaps():
    last = month_end(add_months(today().replace(day=1), -3))
    next_end = month_end(add_months(last.replace(day=1), 1))
    month_end_batch_check(next_end, last_done=last, what="หุ้นรายเดือน")
    month_end_batch_check(next_end, last_done=None, what="หุ้นรายเดือน")
    with pytest.raises(ServiceError, match="ไม่ใช่วันสิ้นเดือน"):
        month_end_batch_check(next_end.replace(day=15), last_done=last, what="หุ้นรายเดือน")
    with pytest.raises(ServiceError, match="งวดต้องประมวลผลตามลำดับ"):
        month_end_batch_check(last, last_done=last, what="หุ้นรายเดือน")
    with pytest.raises(ServiceError, match="ไม่เว้นเดือน"):
        month_end_batch_check(month_end(add_months(last.replace(day=1), 2)), last_done=last, what="หุ้นรายเดือน")
    with pytest.raises(ServiceError, match="ยังไม่ถึงกำหนด"):
        month_end_batch_check(
            month_end(add_months(today().replace(day=1), 6)), last_done=None, what="หุ้นรายเดือน"
        )
