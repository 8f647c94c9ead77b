"""News of the generated coop (ข่าวประชาสัมพันธ์), a step after the members.

About ten announcements spread over the history, as a teachers' coop would post them: the
dividend, the annual general meeting, a loan-rate change, scholarships for ordinary members,
a rule for associate members, meetings and payroll notices for one unit's branch, urgent
closures sent by SMS, one withdrawn notice, one current notice and one draft for next month.
Everything is drawn from ``coop.rng("news")``, so the same seed gives the same news, and the
step writes with one bulk insert. Past SMS are marked sent, so the notifications outbox does
not resend history.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sahakorn.core.thai import MONTHS_TH, be_year, format_be_date
from sahakorn.generator.coop import GeneratedCoop
from sahakorn.members.models import MemberType, Unit
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience

OPENS_AT = dt.time(8, 30)


def _at(day: dt.date, time: dt.time = OPENS_AT) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _end_of(day: dt.date) -> dt.datetime:
    return _at(day, dt.time(23, 59, 59))


def _day(rng: random.Random, coop: GeneratedCoop, lo: float, hi: float) -> dt.date:
    """A day between fractions ``lo`` and ``hi`` of the history (0 = its start, 1 = as_of)."""
    span = max((coop.as_of - coop.history_start).days, 1)
    return coop.history_start + dt.timedelta(days=rng.randint(int(span * lo), int(span * hi)))


def _published(a: Announcement, rng: random.Random) -> Announcement:
    a.status = AnnouncementStatus.PUBLISHED
    a.created_at = a.publish_from - dt.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 5))
    a.updated_at = a.created_at
    a.published_at = a.created_at + dt.timedelta(days=1)
    if a.sms_requested:
        a.sms_sent_at = a.publish_from + dt.timedelta(minutes=rng.randint(1, 15))
    return a


def news_step(coop: GeneratedCoop) -> None:
    """ข่าวประชาสัมพันธ์: about ten announcements over the history, mixed audiences and states."""
    rng = coop.rng("news")
    areas = list(Unit.objects.filter(parent__isnull=True).order_by("path"))
    districts = list(Unit.objects.filter(parent__isnull=False, parent__parent__isnull=True).order_by("path"))
    rows: list[Announcement] = []

    # ---- the year's dividend (early in the history) and the annual general meeting
    day = _day(rng, coop, 0.02, 0.15)
    rate, avg = rng.choice(["5.25", "5.50", "5.75", "6.00"]), rng.choice(["10.00", "11.50", "12.00"])
    rows.append(_published(Announcement(
        title=f"ประกาศจ่ายเงินปันผลและเงินเฉลี่ยคืน ประจำปี {be_year(day.year) - 1}",
        body=(f"ที่ประชุมใหญ่มีมติจ่ายเงินปันผลในอัตราร้อยละ {rate} ต่อปี และเงินเฉลี่ยคืนร้อยละ {avg} "
              "ของดอกเบี้ยเงินกู้ที่สมาชิกชำระในปี\n"
              "สหกรณ์จะโอนเข้าบัญชีธนาคารที่สมาชิกแจ้งไว้ภายใน 7 วันทำการ\n"
              "สมาชิกตรวจสอบยอดได้ที่เมนูเงินปันผลในพอร์ทัลสมาชิก"),
        publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=60)),
        audience=Audience.EVERYONE,
    ), rng))  # fmt: skip
    meeting = _day(rng, coop, 0.3, 0.45)
    rows.append(_published(Announcement(
        title=f"ขอเชิญสมาชิกร่วมประชุมใหญ่สามัญประจำปี {be_year(meeting.year)}",
        body=(f"สหกรณ์ขอเชิญสมาชิกทุกท่านร่วมประชุมใหญ่สามัญประจำปี ในวันที่ {format_be_date(meeting, 'long')} "
              "เวลา 09.00 น. ณ หอประชุมสำนักงานเขตพื้นที่การศึกษา\n"
              "วาระสำคัญ: รับรองงบการเงิน จัดสรรกำไรสุทธิ และเลือกตั้งกรรมการดำเนินการ\n"
              "กรุณานำบัตรประจำตัวประชาชนมาลงทะเบียน"),
        publish_from=_at(meeting - dt.timedelta(days=21)), publish_until=_end_of(meeting),
        audience=Audience.EVERYONE,
    ), rng))  # fmt: skip

    # ---- a loan-rate change, for everyone, with no end date
    day = _day(rng, coop, 0.2, 0.5)
    effective = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    rows.append(_published(Announcement(
        title=f"ปรับอัตราดอกเบี้ยเงินกู้สามัญ มีผลตั้งแต่ 1 {MONTHS_TH[effective.month - 1]} {be_year(effective.year)}",
        body=(f"คณะกรรมการดำเนินการมีมติปรับอัตราดอกเบี้ยเงินกู้สามัญเป็นร้อยละ "
              f"{rng.choice(['5.75', '6.00', '6.25'])} ต่อปี\n"
              "สัญญาเงินกู้เดิมใช้อัตราใหม่ตั้งแต่งวดที่เรียกเก็บในเดือนดังกล่าว"),
        publish_from=_at(day), publish_until=None, audience=Audience.EVERYONE,
    ), rng))  # fmt: skip

    # ---- by member type: scholarships for ordinary members, a rule for associates
    day = _day(rng, coop, 0.45, 0.7)
    rows.append(_published(Announcement(
        title=f"เปิดรับสมัครทุนการศึกษาบุตรสมาชิก ประจำปี {be_year(day.year)}",
        body=("สมาชิกสามัญที่มีบุตรกำลังศึกษาระดับประถมศึกษาถึงปริญญาตรี ยื่นใบสมัครได้ที่สำนักงานสหกรณ์\n"
              "แนบสำเนาใบแสดงผลการเรียนและสำเนาทะเบียนบ้าน\n"
              f"ปิดรับสมัครวันที่ {format_be_date(day + dt.timedelta(days=45), 'long')}"),
        publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=45)),
        audience=Audience.MEMBER_TYPE, member_type=MemberType.ORDINARY,
    ), rng))  # fmt: skip
    day = _day(rng, coop, 0.5, 0.8)
    rows.append(_published(Announcement(
        title="สมาชิกสมทบ: วงเงินกู้ตามระเบียบใหม่",
        body=("ตามระเบียบฉบับใหม่ สมาชิกสมทบกู้เงินได้ไม่เกินค่าหุ้นรวมกับเงินฝากของตนเอง\n"
              "สอบถามรายละเอียดได้ที่ฝ่ายสินเชื่อ โทร 0 3231 0000"),
        publish_from=_at(day), publish_until=None,
        audience=Audience.MEMBER_TYPE, member_type=MemberType.ASSOCIATE,
    ), rng))  # fmt: skip

    # ---- for one branch of the unit tree
    if districts:
        district = rng.choice(districts)
        day = _day(rng, coop, 0.55, 0.85)
        rows.append(_published(Announcement(
            title=f"ประชุมชี้แจงสมาชิก{district.name}",
            body=(f"เจ้าหน้าที่สหกรณ์จะออกพบสมาชิก{district.name} ในวันที่ "
                  f"{format_be_date(day + dt.timedelta(days=10), 'long')} เวลา 13.30 น.\n"
                  "เพื่อชี้แจงบริการเงินกู้และเงินฝาก และรับคำขอปรับหุ้นรายเดือน"),
            publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=10)),
            audience=Audience.UNIT, unit=district,
        ), rng))  # fmt: skip
    if areas:
        area = rng.choice(areas)
        day = _day(rng, coop, 0.6, 0.9)
        rows.append(_published(Announcement(
            title=f"แจ้งสมาชิก{area.name}: หักเงินเดือนล่าช้า",
            body=("หน่วยงานต้นสังกัดส่งรายการหักเงินเดือนประจำเดือนล่าช้า\n"
                  "สหกรณ์จะบันทึกรับชำระให้ตามวันที่หน่วยงานหักเงินเดือน สมาชิกไม่ต้องชำระเพิ่ม"),
            publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=30)),
            audience=Audience.UNIT, unit=area, is_urgent=True, sms_requested=True,
        ), rng))  # fmt: skip

    # ---- an urgent closure, sent by SMS
    aprils = [dt.date(y, 4, 10) for y in range(coop.history_start.year, coop.as_of.year + 1)]
    aprils = [d for d in aprils if coop.history_start <= d <= coop.as_of - dt.timedelta(days=7)]
    if aprils:
        day = rng.choice(aprils)
        title, closed = "สหกรณ์ปิดทำการช่วงวันหยุดเทศกาลสงกรานต์", "วันที่ 13–15 เมษายน"
    else:
        day = _day(rng, coop, 0.1, 0.9)
        title, closed = "สหกรณ์ปิดทำการเพื่อตรวจนับเงินสดประจำปี", format_be_date(day + dt.timedelta(days=2), "long")
    rows.append(_published(Announcement(
        title=title,
        body=f"สหกรณ์ปิดทำการ{closed} เปิดทำการตามปกติในวันทำการถัดไป\nการหักเงินเดือนยังเป็นไปตามปกติ",
        publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=6)),
        audience=Audience.EVERYONE, is_urgent=True, sms_requested=True,
    ), rng))  # fmt: skip

    # ---- a notice withdrawn after it was posted
    day = _day(rng, coop, 0.7, 0.95)
    withdrawn = _published(Announcement(
        title="ระบบบริการสมาชิกออนไลน์ปิดปรับปรุง",
        body="ระบบบริการสมาชิกออนไลน์จะปิดปรับปรุงตั้งแต่เวลา 22.00 น. ถึง 06.00 น. ของวันถัดไป",
        publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=3)),
        audience=Audience.EVERYONE, is_urgent=True,
    ), rng)  # fmt: skip
    withdrawn.status = AnnouncementStatus.WITHDRAWN
    withdrawn.withdrawn_at = withdrawn.publish_from + dt.timedelta(hours=rng.randint(2, 20))
    withdrawn.withdrawn_reason = "เลื่อนการปรับปรุงระบบ จะแจ้งกำหนดการใหม่"
    rows.append(withdrawn)

    # ---- open now, and a draft for next month
    day = coop.as_of - dt.timedelta(days=rng.randint(1, 10))
    rows.append(_published(Announcement(
        title="ติดตามข่าวสหกรณ์ผ่าน LINE Official Account",
        body=("สมาชิกเพิ่มเพื่อน LINE Official Account ของสหกรณ์ เพื่อรับแจ้งยอดหักเงินเดือน "
              "ผลการอนุมัติเงินกู้ และข่าวด่วน\nค้นหาบัญชีด้วยชื่อสหกรณ์ หรือสแกน QR code ที่สำนักงาน"),
        publish_from=_at(max(day, coop.history_start)), publish_until=None, audience=Audience.EVERYONE,
    ), rng))  # fmt: skip
    day = coop.as_of + dt.timedelta(days=rng.randint(15, 30))
    created = _at(coop.as_of - dt.timedelta(days=1), dt.time(15, 0))
    rows.append(Announcement(
        title=f"ประกาศวันหยุดทำการเดือน{MONTHS_TH[day.month - 1]} {be_year(day.year)}",
        body="สหกรณ์หยุดทำการตามวันหยุดราชการ\n(ร่าง รอผู้จัดการตรวจก่อนเผยแพร่)",
        publish_from=_at(day), publish_until=_end_of(day + dt.timedelta(days=14)),
        audience=Audience.EVERYONE, status=AnnouncementStatus.DRAFT, created_at=created, updated_at=created,
    ))  # fmt: skip

    Announcement.objects.bulk_create(rows)
    coop.counts["news"] = len(rows)
