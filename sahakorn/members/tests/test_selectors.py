import datetime as dt

import pytest

from sahakorn.members.models import MemberStatus
from sahakorn.members.selectors import (
    member_counts_by_status,
    member_find_exact,
    member_history,
    member_search,
    unit_chain,
    unit_tree,
    years_months_between,
)
from sahakorn.members.services import member_status_change, member_update
from sahakorn.members.tests.factories import MemberFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(unit):
    return {
        "somchai": MemberFactory(
            number="000123", first_name="สมชาย", last_name="ใจดี", first_name_en="Somchai", last_name_en="Jaidee",
            national_id="1101700230708", phone="0812345678", unit=unit,
        ),
        "somsri": MemberFactory(
            number="000124", title="นาง", first_name="สมศรี", last_name="ใจงาม", phone="0899998888", unit=unit,
        ),
        "wichai": MemberFactory(number="001230", first_name="วิชัย", last_name="ดีมาก", unit=unit),
    }  # fmt: skip


def _numbers(qs) -> list[str]:
    return [m.number for m in qs]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("123", ["000123"]),  # without its leading zeros
        ("000123", ["000123"]),
        ("00012", ["000123", "000124"]),  # prefix
        ("1-1017-00230-70-8", ["000123"]),  # national ID with dashes
        ("1101700230708", ["000123"]),
        ("081-234-5678", ["000123"]),  # phone, any format
        ("+66 89 999 8888", ["000124"]),
        ("ใจ", ["000123", "000124"]),  # partial Thai name
        ("สมศ", ["000124"]),
        ("สมชาย ใจดี", ["000123"]),  # "first last"
        ("นางสมศรี ใจ", ["000124"]),  # with the title typed in front
        ("somchai", ["000123"]),  # English, any case
        ("Somchai Jaidee", ["000123"]),
        ("ไม่มีใคร", []),
    ],
)
def test_member_search_finds_by_each_key(people, q, expected):
    # when
    found = member_search(q=q)

    # then
    assert _numbers(found) == expected


def test_member_search_filters_by_status_type_and_unit_branch(manager):
    # given
    root = UnitFactory(code="01", name="สำนักงาน")
    division = UnitFactory(code="0103", name="กองคลัง", parent=root)
    section = UnitFactory(code="010301", name="งานการเงิน", parent=division)
    elsewhere = UnitFactory(code="02", name="สำนักงานอื่น")
    in_section = MemberFactory(number="000001", unit=section)
    MemberFactory(number="000002", unit=division, member_type="associate")
    MemberFactory(number="000003", unit=elsewhere)
    member_status_change(
        member=in_section, to_status="resigned", effective_on=dt.date(2020, 1, 1), reason="ลาออก", by=manager
    )

    # when / then
    assert _numbers(member_search(unit=division)) == ["000001", "000002"]
    assert _numbers(member_search(unit=section)) == ["000001"]
    assert _numbers(member_search(status="active")) == ["000002", "000003"]
    assert _numbers(member_search(member_type="associate")) == ["000002"]


def test_member_find_exact_jumps_only_on_a_single_number_or_id(people):
    # when / then
    assert member_find_exact(q="123") == people["somchai"]
    assert member_find_exact(q="1-1017-00230-70-8") == people["somchai"]
    assert member_find_exact(q="สมชาย") is None
    assert member_find_exact(q="00012") is None


def test_member_counts_by_status_lists_all_four_in_one_query(manager, unit, django_assert_num_queries):
    # given
    members = [MemberFactory(unit=unit) for _ in range(4)]
    member_status_change(
        member=members[0],
        to_status="deceased",
        effective_on=dt.date(2020, 1, 1),
        reason="ถึงแก่กรรม",
        by=manager,
    )

    # when
    with django_assert_num_queries(1):
        counts = member_counts_by_status()

    # then
    assert counts == {
        "total": 4,
        "by_status": [
            {"status": "active", "label": "ปกติ", "count": 3},
            {"status": "resigned", "label": "ลาออก", "count": 0},
            {"status": "deceased", "label": "เสียชีวิต", "count": 1},
            {"status": "expelled", "label": "ให้ออก", "count": 0},
        ],
    }


def test_unit_tree_is_in_path_order_with_depth_and_chain_runs_from_the_root():
    # given
    b = UnitFactory(code="02", name="B")
    a = UnitFactory(code="01", name="A")
    a1 = UnitFactory(code="0101", name="A1", parent=a)

    # when
    tree = unit_tree()

    # then
    assert [(u.code, u.depth) for u in tree] == [("01", 0), ("0101", 1), ("02", 0)]
    assert unit_chain(unit=a1) == [a, a1]
    assert unit_chain(unit=b) == [b]


def test_member_history_shows_newest_first_in_people_terms(officer, manager, unit):
    # given
    member = MemberFactory(unit=unit, joined_on=dt.date(2015, 1, 1), by=officer)
    member_update(member=member, by=officer, birth_date=dt.date(1985, 5, 11))
    member_status_change(
        member=member,
        to_status=MemberStatus.RESIGNED,
        effective_on=dt.date(2020, 3, 31),
        reason="ย้ายงาน",
        by=manager,
    )

    # when
    history = member_history(member=member)

    # then
    assert [e.change.action for e in history.changes] == ["status", "update", "create"]
    assert [(line.label, line.before, line.after) for line in history.changes[0].lines] == [
        ("สถานะ", "ปกติ", "ลาออก"),
        ("มีผลตั้งแต่", "1 ม.ค. 2558", "31 มี.ค. 2563"),
        ("เหตุผล", "—", "ย้ายงาน"),
    ]
    assert [(line.field, line.before, line.after) for line in history.changes[1].lines] == [
        ("birth_date", "10 พ.ค. 2528", "11 พ.ค. 2528")
    ]
    assert [(s.from_status, s.to_status) for s in history.status_changes] == [
        ("active", "resigned"),
        ("", "active"),
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2015, 1, 1), dt.date(2026, 11, 22), (11, 10)),
        (dt.date(2015, 1, 31), dt.date(2015, 2, 28), (0, 0)),
        (dt.date(2015, 1, 31), dt.date(2016, 1, 31), (1, 0)),
    ],
)
def test_years_months_between(start, end, expected):
    assert years_months_between(start, end) == expected
