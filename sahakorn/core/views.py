from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sahakorn.core.permissions import back_office_required
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
