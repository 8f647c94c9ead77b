"""The member page's cards come from the sub-ledger contract, in page order, each behind its permission."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from sahakorn.core.subledger import member_cards
from sahakorn.members.sections import member_sections
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

# key, title, permission: the page's order (shares 10, loans 20/21, deposits 30, welfare 40, dividends 50, funeral 60)
CARDS = [
    ("shares", "ทุนเรือนหุ้น", "shares.view_shareaccount"),
    ("loans", "เงินกู้", "loans.view_loancontract"),
    ("guarantees", "การค้ำประกัน", "loans.view_loancontract"),
    ("deposits", "เงินฝาก", "deposits.view_depositaccount"),
    ("welfare", "สวัสดิการ", "welfare.view_welfareclaim"),
    ("dividends", "เงินปันผล-เฉลี่ยคืน", None),  # a placeholder until the dividend run arrives
    ("funeral", "สมาคมฌาปนกิจสงเคราะห์", "funeral.view_funeralmembership"),
]


def _user_with(django_user_model, *permissions: str):
    user = django_user_model.objects.create_user(username="clerk1", password=None)
    for name in ("members.view_member", *permissions):
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return django_user_model.objects.get(pk=user.pk)  # a fresh object: permissions are cached per user


def _page_keys(client, member) -> list[str]:
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    return re.findall(r'<section class="card" id="section-([\w-]+)">', html)


def test_the_cards_are_the_contracts_in_page_order_with_their_keys_and_titles(officer):
    # given
    member = MemberFactory()

    # when
    sections = member_sections(member=member, user=officer)

    # then
    assert [(s["section"].key, s["section"].title, s["section"].permission) for s in sections] == CARDS
    assert [s["section"] for s in sections] == member_cards()
    assert [s["section"].key for s in sections if s["is_placeholder"]] == ["dividends"]


def test_the_member_page_shows_the_cards_in_that_order(client, officer):
    # given
    member = MemberFactory()
    client.force_login(officer)

    # when / then
    assert _page_keys(client, member) == [key for key, _, _ in CARDS]


def test_a_user_without_a_cards_permission_does_not_see_it(client, django_user_model):
    # given: may read members and deposits, nothing else
    member = MemberFactory()
    clerk = _user_with(django_user_model, "deposits.view_depositaccount")
    client.force_login(clerk)

    # when
    sections = member_sections(member=member, user=clerk)

    # then: the deposits card and the placeholder (which needs no permission), nothing else
    assert [s["section"].key for s in sections] == ["deposits", "dividends"]
    assert _page_keys(client, member) == ["deposits", "dividends"]


def test_the_loans_permission_shows_both_loan_cards_and_nothing_more(django_user_model):
    # given
    member = MemberFactory()
    clerk = _user_with(django_user_model, "loans.view_loancontract")

    # when
    sections = member_sections(member=member, user=clerk)

    # then
    assert [s["section"].key for s in sections] == ["loans", "guarantees", "dividends"]
