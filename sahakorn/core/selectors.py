from sahakorn.core.models import CoopProfile

DEFAULT_COOP_NAME = "สหกรณ์ออมทรัพย์ (ยังไม่ได้ตั้งชื่อ)"


def coop_profile_get() -> CoopProfile:
    """The coop's profile; an unsaved default before the first one is configured."""
    return CoopProfile.objects.order_by("pk").first() or CoopProfile(name_th=DEFAULT_COOP_NAME)
