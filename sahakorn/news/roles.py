from sahakorn.core.roles import ACCOUNTANT, AUDITOR, MANAGER, OFFICER

_VIEW = ["news.view_announcement"]
_DRAFT = ["news.add_announcement", "news.change_announcement"]

# Officers draft; the manager publishes and withdraws what members will read.
ROLE_PERMISSIONS = {
    OFFICER: _VIEW + _DRAFT,
    MANAGER: _VIEW + _DRAFT + ["news.publish_announcement"],
    ACCOUNTANT: _VIEW,
    AUDITOR: _VIEW,
}
