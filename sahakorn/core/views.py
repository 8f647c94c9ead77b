from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sahakorn.core.permissions import back_office_required, is_back_office_user
from sahakorn.ledger.selectors import journal_entries_recent
from sahakorn.members.selectors import member_counts_by_status


@back_office_required
def home(request: HttpRequest) -> HttpResponse:
    """The officer's start page: the membership at a glance and the latest vouchers."""
    return render(
        request,
        "core/home.html",
        {
            "today": timezone.localdate(),
            "member_counts": member_counts_by_status(),
            "recent_entries": journal_entries_recent(limit=10)
            if request.user.has_perm("ledger.view_journalentry")
            else [],
        },
    )


def back_office(request: HttpRequest) -> dict:
    """Context processor: whether the back-office menu and member search may be shown.

    A member's login holds no staff role; its pages (a 403 among them) show neither. Evaluated
    only when a template asks (a callable in the context).
    """
    user = getattr(request, "user", None)
    return {"is_back_office": lambda: user is not None and is_back_office_user(user)}
