"""Guarantor limits, a guarantor leaving (through member_status_change) and the replacement."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from sahakorn.loans.errors import LoanError
from sahakorn.loans.services import guarantor_replace, loan_application_create
from sahakorn.loans.tests.conftest import APPLIED, borrower, disbursed, guarantor
from sahakorn.members.models import MemberType
from sahakorn.members.services import member_status_change


def _apply(product, member, guarantors, by):
    return loan_application_create(member=member, product=product, amount=D("150000.00"), installments=120,
                                   guarantors=guarantors, applied_on=APPLIED, by=by)  # fmt: skip


def _failed(e):
    return {c.message for c in e.value.failed_checks}


def test_fourth_contract_refused(ordinary, officer):
    g = guarantor()
    for _ in range(3):
        _apply(ordinary, borrower(), [g], officer)
    with pytest.raises(LoanError) as e:
        _apply(ordinary, borrower(), [g], officer)
    assert _failed(e) == {"ผู้ค้ำค้ำประกันครบจำนวนสัญญาแล้ว"}
    row = next(c for c in e.value.failed_checks)
    assert "ค้ำอยู่ 3 สัญญา รวมสัญญานี้เป็น 4 สัญญา" in row.figure


def test_wrong_type_self_too_new_and_duplicate(ordinary, officer):
    member = borrower()
    with pytest.raises(LoanError) as e:
        _apply(ordinary, member, [guarantor(member_type=MemberType.ASSOCIATE)], officer)
    assert _failed(e) == {"ประเภทสมาชิกนี้ค้ำประกันไม่ได้"}
    with pytest.raises(LoanError) as e:
        _apply(ordinary, member, [member], officer)
    assert "ผู้กู้ค้ำประกันตนเองไม่ได้" in _failed(e)
    # 12 months: joined 2 Mar 2024 → 1 Mar 2025 is 11 months; 1 Mar 2024 passes.
    with pytest.raises(LoanError) as e:
        _apply(ordinary, member, [guarantor(joined_on=dt.date(2024, 3, 2))], officer)
    assert _failed(e) == {"ผู้ค้ำเป็นสมาชิกยังไม่ครบระยะเวลา"}
    _apply(ordinary, member, [guarantor(joined_on=dt.date(2024, 3, 1))], officer)
    g = guarantor()
    with pytest.raises(LoanError) as e:
        loan_application_create(member=borrower(shares=2500), product=ordinary, amount=D("250000.00"),
                                installments=120, guarantors=[g, g], applied_on=APPLIED, by=officer)  # fmt: skip
    assert _failed(e) == {"ระบุผู้ค้ำซ้ำ"}


def test_guarantor_leaving_flags_and_replacement_clears(ordinary, officer, manager):
    g = guarantor()
    contract = disbursed(product=ordinary, member=borrower(), amount="150000.00", installments=120,
                         guarantors=[g], maker=officer, checker=manager)  # fmt: skip
    assert not contract.guarantor_replacement_needed
    # a guarantor may not resign while guaranteeing (the bylaws); dying flags the contract
    with pytest.raises(ValidationError) as refused:
        member_status_change(member=g, to_status="resigned", effective_on=dt.date(2025, 6, 1), reason="ลาออก",
                             by=officer)  # fmt: skip
    assert refused.value.message_dict["to_status"] == [
        f"ลาออกไม่ได้: ยังค้ำประกันสัญญา {contract.number} ของ {contract.member.number} {contract.member.full_name} "
        "อยู่ ให้ผู้กู้เปลี่ยนผู้ค้ำก่อน"
    ]
    contract.refresh_from_db()
    assert not contract.guarantor_replacement_needed
    member_status_change(
        member=g, to_status="deceased", effective_on=dt.date(2025, 6, 1), reason="ถึงแก่กรรม", by=officer
    )
    contract.refresh_from_db()
    assert contract.guarantor_replacement_needed
    with pytest.raises(LoanError) as e:
        guarantor_replace(contract=contract, old=g, new=guarantor(member_type=MemberType.ASSOCIATE),
                          on=dt.date(2025, 6, 2), by=officer)  # fmt: skip
    assert _failed(e) == {"ประเภทสมาชิกนี้ค้ำประกันไม่ได้"}
    new = guarantor()
    added = guarantor_replace(contract=contract, old=g, new=new, on=dt.date(2025, 6, 2), by=officer)
    contract.refresh_from_db()
    assert added.guarantor == new and not contract.guarantor_replacement_needed
    assert [x.guarantor for x in contract.guarantees.filter(ended_on__isnull=True)] == [new]


def test_a_spouse_is_refused_only_when_the_coop_forbids_it(ordinary, officer):
    from sahakorn.loans.models import GuaranteeRules

    # given: the borrower's record names the guarantor's national ID as the spouse
    wife = guarantor()
    husband = borrower(spouse_name=wife.full_name, spouse_national_id=wife.national_id)

    # when the rules allow it (the seeded default), the application is taken
    _apply(ordinary, husband, [wife], officer)

    # when a later version forbids spouses, the same guarantor is refused, and the other way round too
    GuaranteeRules.objects.create(
        effective_from=dt.date(2025, 2, 1), forbid_spouse=True, member_types="ordinary"
    )
    with pytest.raises(LoanError) as e:
        _apply(ordinary, husband, [wife], officer)
    assert _failed(e) == {"คู่สมรสของผู้กู้ค้ำประกันไม่ได้"}
    row = next(iter(e.value.failed_checks))
    assert row.figure == f"ผู้ค้ำ {wife.number} {wife.full_name}: เป็นคู่สมรสของผู้กู้"
    with pytest.raises(LoanError):
        _apply(ordinary, husband, [guarantor(spouse_national_id=husband.national_id)], officer)
    _apply(ordinary, borrower(shares=2000), [guarantor()], officer)


def test_the_amount_one_guarantor_may_carry_is_refused_past_its_edge(ordinary, officer):
    from sahakorn.loans.models import GuaranteeRules

    # given: at most 300,000.00 guaranteed by one member (pending applications count at their amount)
    GuaranteeRules.objects.create(effective_from=dt.date(2025, 1, 1), max_amount_per_guarantor=D("300000.00"),
                                  member_types="ordinary")  # fmt: skip
    g = guarantor()
    _apply(ordinary, borrower(), [g], officer)  # 150,000.00

    # when / then: a second 150,000.00 reaches exactly 300,000.00 and passes
    _apply(ordinary, borrower(), [g], officer)
    # a third loan of 100,000.00 would take it to 400,000.00
    with pytest.raises(LoanError) as e:
        loan_application_create(member=borrower(), product=ordinary, amount=D("100000.00"), installments=120,
                                guarantors=[g], applied_on=APPLIED, by=officer)  # fmt: skip
    assert _failed(e) == {"ยอดค้ำประกันรวมเกินที่กำหนด"}
    assert (
        next(iter(e.value.failed_checks)).figure == f"ผู้ค้ำ {g.number} {g.full_name}: รวมสัญญานี้ 400,000.00 บาท"
    )
