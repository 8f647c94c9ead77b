"""Factories that build members through the services, so every record has its audit rows."""

import datetime as dt
from decimal import Decimal

import factory

from sahakorn.core.thai import national_id_check_digit
from sahakorn.members.models import Member, MemberType, Unit
from sahakorn.members.services import member_create, unit_create


def valid_national_id(n: int) -> str:
    """A national ID that passes the checksum; ``n`` makes it unique."""
    first12 = f"3{n:011d}"
    return first12 + str(national_id_check_digit(first12))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"หน่วยทดสอบ {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Unit:
        return unit_create(**kwargs)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    number = None  # the next free number, as at the counter
    title = "นาย"
    first_name = factory.Iterator(["สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สุรชัย"])
    last_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    national_id = factory.Sequence(lambda n: valid_national_id(n + 1))
    birth_date = dt.date(1985, 5, 10)
    joined_on = dt.date(2015, 1, 1)
    member_type = MemberType.ORDINARY
    unit = factory.SubFactory(UnitFactory)
    salary = Decimal("25000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Member:
        return member_create(by=kwargs.pop("by", None), **kwargs)
