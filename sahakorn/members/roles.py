from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = ["members.view_member", "members.view_unit", "members.view_memberchange"]
_EDIT = ["members.add_member", "members.change_member"]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _EDIT,
    MANAGER: _VIEW
    + _EDIT
    + ["members.change_member_status", "members.import_members", "members.add_unit", "members.change_unit"],
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
