"""An account role (บัญชีตามบทบาท) stays on its account once that account has postings."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sahakorn.ledger.models import Account, AccountRole, EntrySource
from sahakorn.ledger.services import Line, journal_entry_create, journal_entry_record
from sahakorn.ledger.tests.factories import user_create
from sahakorn.shares.reconcile import shares_reconcile

ON = dt.date(2026, 3, 2)
LOCKED = (
    "บทบาท share_capital ผูกกับบัญชี 31000 ทุนเรือนหุ้น ซึ่งมีรายการผ่านแล้ว เปลี่ยนบทบาทหรือบัญชีไม่ได้ "
    "(ยอดเดิมจะค้างอยู่ที่บัญชีเดิม ส่วนรายการใหม่จะไปลงบัญชีอื่น)"
)


@pytest.fixture
def shares_posted(db):
    """A share purchase on share capital (31000), as the shares service posts it."""
    return journal_entry_record(date=ON, description="ซื้อหุ้น", source=EntrySource.SHARES, lines=[
        Line(account="cash", debit=D("356.00")), Line(account="share_capital", credit=D("356.00"))])  # fmt: skip


@pytest.fixture
def admin_client(client, db):
    client.force_login(user_create("root", is_staff=True, is_superuser=True))
    return client


def _change(admin_client, role: AccountRole, account_code: str):
    return admin_client.post(
        reverse("admin:ledger_accountrole_change", args=[role.pk]),
        {
            "key": role.key,
            "account": Account.objects.get(code=account_code).pk,
            "description": role.description,
        },
    )


def test_a_role_whose_account_has_postings_cannot_be_repointed_in_the_admin(admin_client, shares_posted):
    # given: the share_capital 31000 → 33100
    role = AccountRole.objects.get(key="share_capital")

    # when
    page = admin_client.get(reverse("admin:ledger_accountrole_change", args=[role.pk])).content.decode()
    _change(admin_client, role, "33100")

    # then: shown, not offered; the post changes nothing, and shares check still agrees
    assert 'name="account"' not in page and 'name="key"' not in page and "31000 ทุนเรือนหุ้น" in page
    role.refresh_from_db()
    assert role.account.code == "31000"
    assert shares_reconcile().ledger_amount == D("356.00")


def test_the_model_refuses_to_repoint_a_role_in_use(shares_posted):
    # given
    role = AccountRole.objects.get(key="share_capital")
    role.account = Account.objects.get(code="33100")

    # when / then
    with pytest.raises(ValidationError) as refused:
        role.full_clean()
    assert refused.value.messages == [LOCKED]


def test_a_role_with_drafts_only_can_still_be_repointed(admin_client):
    # given: a draft is no posting
    journal_entry_create(date=ON, description="ร่าง", lines=[
        Line(account="cash", debit=D("1.00")), Line(account="reserve_fund", credit=D("1.00"))])  # fmt: skip
    role = AccountRole.objects.get(key="reserve_fund")

    # when
    response = _change(admin_client, role, "33100")

    # then
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.account.code == "33100" and not role.is_locked


def test_roles_are_never_deleted_in_the_admin(admin_client):
    # when
    role = AccountRole.objects.get(key="welfare_fund")
    response = admin_client.post(reverse("admin:ledger_accountrole_delete", args=[role.pk]), {"post": "yes"})

    # then
    assert response.status_code == 403 and AccountRole.objects.filter(pk=role.pk).exists()
