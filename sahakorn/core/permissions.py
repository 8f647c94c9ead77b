"""Who may use the back office: staff in a role (officer, manager, accountant, auditor) or a superuser.

A member's login (the portal, a later issue) holds no role, so it never reaches a back-office page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from sahakorn.core.roles import ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL


class StaffRequest(HttpRequest):
    """For typing only: the request a view behind ``staff_view`` receives, whose user is logged in
    (``HttpRequest.user`` may be ``AnonymousUser``, which a service's ``by`` never is)."""

    user: User


def is_back_office_user(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=ROLES).exists()


def back_office_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_back_office_user(request.user):
            raise PermissionDenied("บัญชีนี้ไม่ใช่บัญชีเจ้าหน้าที่สหกรณ์")
        return view(request, *args, **kwargs)

    return wrapped


def staff_view(perm: str) -> Callable:
    """Login first (anonymous users go to the login page), then the permission (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator
