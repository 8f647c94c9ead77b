import pytest
from django.core.exceptions import ValidationError

from sahakorn.members.models import MemberChange
from sahakorn.members.services import member_portal_user_link
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_linking_a_portal_user_is_audited(django_user_model, officer):
    # given
    member = MemberFactory()
    login = django_user_model.objects.create_user(username=member.number)

    # when
    member_portal_user_link(member=member, user=login, by=officer)

    # then
    member.refresh_from_db()
    assert member.user == login
    change = MemberChange.objects.filter(member=member).latest("id")
    assert change.diff == {"user": [None, member.number]}
    assert change.changed_by == officer


def test_one_login_cannot_belong_to_two_members(django_user_model, officer):
    # given
    login = django_user_model.objects.create_user(username="shared")
    member_portal_user_link(member=MemberFactory(), user=login, by=officer)

    # when / then
    with pytest.raises(ValidationError, match="ผูกกับสมาชิกรายอื่น"):
        member_portal_user_link(member=MemberFactory(), user=login, by=officer)
