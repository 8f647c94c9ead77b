from django.db.models import Case, CharField, F, Value, When

from sahakorn.core.models import CoopProfile

DEFAULT_COOP_NAME = "สหกรณ์ออมทรัพย์ (ยังไม่ได้ตั้งชื่อ)"


def coop_profile_get() -> CoopProfile:
    """The coop's profile; an unsaved default before the first one is configured."""
    return CoopProfile.objects.order_by("pk").first() or CoopProfile(name_th=DEFAULT_COOP_NAME)


def choice_label_sql(field_name: str, choices) -> Case:
    """A choice's label computed in SQL, so report rows stay plain ``values()`` dicts."""
    return Case(
        *[When(**{field_name: value}, then=Value(str(label))) for value, label in choices],
        default=F(field_name),
        output_field=CharField(),
    )
