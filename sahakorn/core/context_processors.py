from django.http import HttpRequest

from sahakorn.core.selectors import coop_profile_get


def coop(request: HttpRequest) -> dict:
    return {"coop": coop_profile_get()}
