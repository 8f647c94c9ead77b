import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(username="officer1", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="officer"))
    return user


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2$")


def test_the_four_staff_roles_exist_with_their_permissions():
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert set(perms) == {"officer", "manager", "accountant", "auditor"}
    assert "post_journalentry" in perms["accountant"]
    assert "post_journalentry" not in perms["officer"]
    assert "change_member_status" in perms["manager"]
    # the auditor reads everything and changes nothing
    assert perms["auditor"] >= {
        "view_member",
        "view_journalentry",
        "view_shareaccount",
        "view_sharetransaction",
    }
    assert all(codename.startswith("view_") for codename in perms["auditor"])
    assert "approve_sharerequest" in perms["manager"]
    assert "approve_sharerequest" not in perms["officer"]


def test_home_page_for_staff_and_login_redirect_for_anonymous(client, officer):
    assert client.get(reverse("home")).status_code == 302
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "สมาชิกทั้งหมด" in response.text


def test_a_login_without_a_staff_role_cannot_use_the_back_office(client, django_user_model):
    # given: a member's portal login, which holds no role
    member_login = django_user_model.objects.create_user(username="000123")
    client.force_login(member_login)

    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 403
    assert "ไม่ใช่บัญชีเจ้าหน้าที่" in response.text


def test_five_wrong_passwords_lock_the_login_even_for_the_right_password(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer1", "password": "wrong"})

    # when: the right password, sixth try
    response = client.post(reverse("login"), {"username": "officer1", "password": "correct-horse-battery"})

    # then
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.text
    assert "_auth_user_id" not in client.session


def test_login_without_csrf_token_is_refused(officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "officer1", "password": "correct-horse-battery"})
    assert response.status_code == 403


def test_thai_is_the_default_whatever_the_browser_asks_and_english_is_chosen_by_the_switch(client, officer):
    client.force_login(officer)

    # given a browser that prefers English: still Thai
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "th"
    assert "ออกจากระบบ" in response.text

    # when the officer picks English in the top bar
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))

    # then
    assert response.headers["Content-Language"] == "en"
    assert "Log out" in response.text
