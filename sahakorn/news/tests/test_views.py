"""The news screens: permission per role, CSRF-protected posts, field errors, the publish/withdraw flow."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sahakorn.members.tests.factories import MemberFactory
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience
from sahakorn.news.tests.factories import announcement_draft, announcement_published

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**overrides) -> dict:
    return {
        "title": "เชิญประชุมใหญ่สามัญประจำปี 2569",
        "body": "ประชุมวันเสาร์ที่ 21 มีนาคม 2569\nณ หอประชุม",
        "publish_from": "01/03/2569",
        "publish_from_time": "",
        "publish_until": "21/03/2569",
        "publish_until_time": "",
        "audience": "everyone",
        "unit": "",
        "member_type": "",
        **overrides,
    }


# ======== who may open what ========

PAGES = [("news:list", False), ("news:create", False), ("news:detail", True), ("news:edit", True)]


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_pages_need_login(name, needs_pk):
    # given
    a = announcement_draft()

    # when
    response = Client().get(reverse(name, args=[a.pk] if needs_pk else []))

    # then
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_outsider_gets_403_everywhere(outsider, name, needs_pk):
    # given
    a = announcement_draft()

    # when
    response = _client(outsider).get(reverse(name, args=[a.pk] if needs_pk else []))

    # then
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_officer_and_manager_draft_and_edit(request, role, name, needs_pk):
    # given
    user = request.getfixturevalue(role)
    a = announcement_draft()

    # when
    response = _client(user).get(reverse(name, args=[a.pk] if needs_pk else []))

    # then
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["accountant", "auditor"])
def test_accountant_and_auditor_only_read(request, role):
    # given
    user = request.getfixturevalue(role)
    a = announcement_draft()
    client = _client(user)

    # when / then
    assert client.get(reverse("news:list")).status_code == 200
    assert client.get(reverse("news:detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("news:create")).status_code == 403
    assert client.get(reverse("news:edit", args=[a.pk])).status_code == 403
    assert client.post(reverse("news:publish", args=[a.pk])).status_code == 403


def test_officer_cannot_publish_or_withdraw(officer, manager):
    # given
    draft = announcement_draft(by=officer)
    published = announcement_published(by=manager)
    client = _client(officer)

    # when
    publish = client.post(reverse("news:publish", args=[draft.pk]))
    withdraw = client.post(reverse("news:withdraw", args=[published.pk]), {"reason": "ผิด"})

    # then
    assert publish.status_code == withdraw.status_code == 403
    assert Announcement.objects.get(pk=draft.pk).is_draft
    assert Announcement.objects.get(pk=published.pk).is_published


def test_publish_is_post_only(manager):
    # given
    draft = announcement_draft()

    # when
    response = _client(manager).get(reverse("news:publish", args=[draft.pk]))

    # then
    assert response.status_code == 405
    assert Announcement.objects.get(pk=draft.pk).is_draft


def test_posts_need_the_csrf_token(manager):
    # given
    draft = announcement_draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    # when
    response = client.post(reverse("news:publish", args=[draft.pk]))

    # then
    assert response.status_code == 403
    assert Announcement.objects.get(pk=draft.pk).is_draft


# ======== drafting ========


def test_officer_drafts_an_announcement_with_be_dates(officer):
    # when
    response = _client(officer).post(reverse("news:create"), _form(publish_from_time="08:30"))

    # then
    a = Announcement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("news:detail", args=[a.pk])
    assert a.is_draft and a.created_by == officer
    start, end = timezone.localtime(a.publish_from), timezone.localtime(a.publish_until)
    assert (start.date(), start.time()) == (dt.date(2026, 3, 1), dt.time(8, 30))
    assert (end.date(), end.time()) == (dt.date(2026, 3, 21), dt.time(23, 59, 59))


@pytest.mark.parametrize(
    ("overrides", "field_label", "message"),
    [
        ({"title": ""}, "หัวข้อข่าว", "กรุณากรอกหัวข้อข่าว"),
        ({"title": "ก" * 201}, "หัวข้อข่าว", "หัวข้อข่าวยาวเกิน 200 ตัวอักษร"),
        ({"publish_from": "01/03/2026"}, "เผยแพร่ตั้งแต่วันที่", "ปี 2026 เป็นปี ค.ศ. กรุณากรอกปี พ.ศ."),
        ({"publish_until": "28/02/2569"}, "เผยแพร่ถึงวันที่", "วันที่สิ้นสุดการเผยแพร่ต้องหลังวันที่เริ่มเผยแพร่"),
        ({"audience": "unit"}, "หน่วยสังกัด (รวมหน่วยย่อย)", "กรุณาเลือกหน่วยสังกัดที่จะรับข่าว"),
        ({"audience": "member_type"}, "ประเภทสมาชิก", "กรุณาเลือกประเภทสมาชิกที่จะรับข่าว"),
        ({"sms_requested": "on"}, "ส่ง SMS/LINE ถึงสมาชิก (เฉพาะข่าวด่วน)", "ส่ง SMS/LINE ได้เฉพาะข่าวด่วน"),
    ],
)
def test_a_bad_field_is_named_beside_it_and_nothing_is_saved(officer, overrides, field_label, message):
    # when
    response = _client(officer).post(reverse("news:create"), _form(**overrides))

    # then
    assert response.status_code == 200
    assert f"{field_label}: {message}" in response.content.decode()
    assert not Announcement.objects.exists()


def test_edit_rewrites_a_draft(officer, district):
    # given
    draft = announcement_draft(by=officer)

    # when
    response = _client(officer).post(
        reverse("news:edit", args=[draft.pk]), _form(title="แก้หัวข้อ", audience="unit", unit=str(district.pk))
    )

    # then
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.audience, draft.unit) == ("แก้หัวข้อ", Audience.UNIT, district)


def test_edit_form_shows_the_draft_in_be(officer):
    # given
    draft = announcement_draft(
        by=officer, publish_from=dt.date(2026, 3, 1), publish_until=dt.date(2026, 3, 21)
    )

    # when
    html = _client(officer).get(reverse("news:edit", args=[draft.pk])).content.decode()

    # then
    assert 'value="01/03/2569"' in html and 'value="21/03/2569"' in html


def test_a_published_announcement_cannot_be_edited(officer, manager):
    # given
    published = announcement_published(by=manager)

    # when
    response = _client(officer).post(reverse("news:edit", args=[published.pk]), _form(title="แอบแก้"))

    # then
    assert response.status_code == 302 and response["Location"] == reverse("news:detail", args=[published.pk])
    assert Announcement.objects.get(pk=published.pk).title != "แอบแก้"


# ======== detail, publish, withdraw ========


def test_detail_previews_the_member_view_safely_and_counts_the_audience(officer, school, other_area):
    # given
    MemberFactory(unit=school)
    MemberFactory(unit=other_area)
    draft = announcement_draft(
        by=officer, body="บรรทัดแรก\nบรรทัดสอง <script>alert(1)</script>", audience=Audience.UNIT, unit=school
    )

    # when
    html = _client(officer).get(reverse("news:detail", args=[draft.pk])).content.decode()

    # then
    assert "บรรทัดแรก<br>บรรทัดสอง &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "สมาชิกสถานะปกติ 1 คน" in html
    assert reverse("news:publish", args=[draft.pk]) not in html  # an officer sees no publish button


def test_manager_publishes_then_withdraws(officer, manager, school):
    # given
    member = MemberFactory(unit=school)
    draft = announcement_draft(by=officer)
    client = _client(manager)
    assert (
        reverse("news:publish", args=[draft.pk])
        in client.get(reverse("news:detail", args=[draft.pk])).content.decode()
    )

    # when: publish
    response = client.post(reverse("news:publish", args=[draft.pk]))

    # then
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AnnouncementStatus.PUBLISHED and draft.published_by == manager
    from sahakorn.news.selectors import announcements_for_member

    assert list(announcements_for_member(member=member)) == [draft]

    # when: withdraw without a reason, then with one
    refused = client.post(reverse("news:withdraw", args=[draft.pk]), {"reason": ""})
    done = client.post(reverse("news:withdraw", args=[draft.pk]), {"reason": "ประกาศผิดวันที่"})

    # then
    assert refused.status_code == 400 and "เหตุผลที่ถอนข่าว: กรุณากรอกเหตุผลที่ถอนข่าว" in refused.content.decode()
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AnnouncementStatus.WITHDRAWN and draft.withdrawn_reason == "ประกาศผิดวันที่"
    assert not announcements_for_member(member=member).exists()


def test_publishing_an_ended_window_shows_why_and_changes_nothing(officer, manager):
    # given
    draft = announcement_draft(
        by=officer,
        publish_from=timezone.now() - dt.timedelta(days=10),
        publish_until=timezone.now() - dt.timedelta(days=1),
    )

    # when
    response = _client(manager).post(reverse("news:publish", args=[draft.pk]))

    # then
    assert response.status_code == 400
    assert "ช่วงเวลาเผยแพร่สิ้นสุดไปแล้ว" in response.content.decode()
    assert Announcement.objects.get(pk=draft.pk).is_draft


def test_list_filters_and_shows_be_dates(officer, manager):
    # given
    announcement_draft(by=officer, title="ร่างวันหยุด", publish_from=dt.date(2026, 12, 1))
    announcement_published(by=manager, title="ปันผล")

    # when
    html = _client(officer).get(reverse("news:list"), {"status": "draft"}).content.decode()

    # then
    assert "ร่างวันหยุด" in html and "ปันผล" not in html
    assert "1 ธ.ค. 2569" in html
