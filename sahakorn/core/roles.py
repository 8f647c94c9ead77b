"""Staff roles (บทบาทเจ้าหน้าที่) as Django groups, with the permissions each role holds.

Groups are (re)synchronised after every migrate, so a new permission added by a later issue
lands in the right roles without a hand-written data migration.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OFFICER, MANAGER, ACCOUNTANT, AUDITOR = "officer", "manager", "accountant", "auditor"
ROLE_LABELS_TH = {
    OFFICER: "เจ้าหน้าที่",
    MANAGER: "ผู้จัดการ",
    ACCOUNTANT: "สมุห์บัญชี",
    AUDITOR: "ผู้ตรวจสอบบัญชี",
}

_VIEW_ALL = [
    "members.view_member",
    "members.view_unit",
    "members.view_memberchange",
    "ledger.view_account",
    "ledger.view_journalentry",
    "ledger.view_fiscalyear",
    "shares.view_shareaccount",
    "shares.view_sharetransaction",
    "shares.view_sharerequest",
    "shares.view_sharerules",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: _VIEW_ALL
    + [
        "members.add_member",
        "members.change_member",
        "shares.add_sharetransaction",
        "shares.add_sharerequest",
        "shares.change_shareaccount",
    ],
    MANAGER: _VIEW_ALL
    + [
        "members.add_member",
        "members.change_member",
        "members.change_member_status",
        "members.import_members",
        "members.add_unit",
        "members.change_unit",
        "core.change_coopprofile",
        "shares.add_sharetransaction",
        "shares.add_sharerequest",
        "shares.change_shareaccount",
        "shares.approve_sharerequest",
        "shares.add_sharerules",
        "shares.add_monthlyrun",
    ],
    ACCOUNTANT: _VIEW_ALL
    + [
        "ledger.add_journalentry",
        "ledger.post_journalentry",
        "ledger.reverse_journalentry",
        "ledger.close_fiscalperiod",
        "ledger.add_account",
        "ledger.change_account",
    ],
    AUDITOR: _VIEW_ALL,
}


def roles_sync(*, app_config=None, using: str = "default", **kwargs) -> None:
    """Create the four groups and give each exactly its permissions (idempotent)."""
    if app_config is not None:
        # post_migrate may reach this handler before auth's own for the same app, so make sure
        # that app's permissions exist before the groups are given them.
        create_permissions(app_config, verbosity=0, using=using)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        q = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".")
            q |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(q))
