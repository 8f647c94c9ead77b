from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = [
    "funeral.view_funeralmembership",
    "funeral.view_funeralbeneficiary",
    "funeral.view_funerallevy",
    "funeral.view_funeraldue",
    "funeral.view_deathclaim",
    "funeral.view_funeralpayout",
    "funeral.view_funeralsettings",
    "funeral.view_funeralremittance",
]
# Officers enrol, keep beneficiaries, call and collect dues, record and pay claims.
_OPERATE = [
    "funeral.add_funeralmembership",
    "funeral.change_funeralmembership",
    "funeral.add_funerallevy",
    "funeral.add_funeraldue",
    "funeral.add_deathclaim",
    "funeral.add_funeralpayout",
]

ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _OPERATE,
    MANAGER: _VIEW
    + _OPERATE
    + ["funeral.approve_deathclaim", "funeral.add_funeralsettings", "funeral.add_funeralremittance"],
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
