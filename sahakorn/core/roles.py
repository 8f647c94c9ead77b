"""Staff roles (บทบาทเจ้าหน้าที่) as Django groups, with the permissions each role holds.

Each app says what its roles may do in its own ``roles.py``::

    ROLE_PERMISSIONS = {OFFICER: ["deposits.add_deposittransaction"], AUDITOR: ["deposits.view_depositaccount"]}

Groups are (re)synchronised after every migrate from all apps' lists, so a new permission lands
in the right roles without a hand-written data migration, and no app edits another's list.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OFFICER, MANAGER, ACCOUNTANT, AUDITOR = "officer", "manager", "accountant", "auditor"
ROLES = (OFFICER, MANAGER, ACCOUNTANT, AUDITOR)
ROLE_LABELS_TH = {
    OFFICER: "เจ้าหน้าที่",
    MANAGER: "ผู้จัดการ",
    ACCOUNTANT: "สมุห์บัญชี",
    AUDITOR: "ผู้ตรวจสอบบัญชี",
}

# The coop itself: only the manager changes its profile (fiscal year start, names on documents).
ROLE_PERMISSIONS: dict[str, list[str]] = {MANAGER: ["core.change_coopprofile"]}


def role_permissions() -> dict[str, list[str]]:
    """Every role's permissions, gathered from each installed app's ``roles.ROLE_PERMISSIONS``."""
    merged: dict[str, list[str]] = {role: [] for role in ROLES}
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.roles"
        if not app_config.name.startswith("sahakorn.") or find_spec(module_name) is None:
            continue
        for role, perms in import_module(module_name).ROLE_PERMISSIONS.items():
            merged[role].extend(p for p in perms if p not in merged[role])
    return merged


def roles_sync(*, app_config=None, using: str = "default", **kwargs) -> None:
    """Create the four groups and give each exactly its permissions (idempotent)."""
    if app_config is not None:
        # post_migrate may reach this handler before auth's own for the same app, so make sure
        # that app's permissions exist before the groups are given them.
        create_permissions(app_config, verbosity=0, using=using)
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        q = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".")
            q |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(q))
