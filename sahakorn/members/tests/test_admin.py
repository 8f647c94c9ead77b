import pytest
from django.urls import reverse

from sahakorn.members.models import Unit
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="root", password=None, email="root@example.com"
    )
    client.force_login(admin)
    return client


def test_admin_unit_save_goes_through_the_service_and_keeps_paths(admin_client_logged_in):
    # given
    client = admin_client_logged_in
    client.post(
        reverse("admin:members_unit_add"), {"code": "01", "name": "สำนักงาน", "parent": "", "is_active": "on"}
    )
    root = Unit.objects.get(code="01")

    # when
    response = client.post(
        reverse("admin:members_unit_add"),
        {"code": "0103", "name": "กองคลัง", "parent": root.pk, "is_active": "on"},
    )
    client.post(
        reverse("admin:members_unit_change", args=[root.pk]),
        {"code": "09", "name": "สำนักงาน", "is_active": "on"},
    )

    # then
    assert response.status_code == 302
    assert list(Unit.objects.order_by("path").values_list("code", "path")) == [
        ("09", "09/"),
        ("0103", "09/0103/"),
    ]


def test_admin_member_pages_are_read_only(admin_client_logged_in):
    # given
    member = MemberFactory()

    # when
    change = admin_client_logged_in.get(reverse("admin:members_member_change", args=[member.pk]))
    add = admin_client_logged_in.get(reverse("admin:members_member_add"))
    changelist = admin_client_logged_in.get(reverse("admin:members_member_changelist"), {"q": member.number})

    # then
    assert change.status_code == 200
    assert 'name="first_name"' not in change.content.decode()
    assert add.status_code == 403
    assert changelist.status_code == 200
    assert admin_client_logged_in.get(reverse("admin:members_memberchange_changelist")).status_code == 200
