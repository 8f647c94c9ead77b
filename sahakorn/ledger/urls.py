from django.urls import path

from sahakorn.ledger import report_views, views

app_name = "ledger"
urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/post/", views.entry_post, name="entry_post"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("entries/awaiting-approval/", views.approvals, name="approvals"),
    path("entries/<int:pk>/approve/", views.entry_approve, name="entry_approve"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("statement/", views.account_statement, name="account_statement"),
    path("chart/", views.chart, name="chart"),
    path("periods/", views.periods, name="periods"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("fiscal-years/open/", views.fiscal_year_open, name="fiscal_year_open"),
    path("reports/backdated/", report_views.report_backdated, name="report_backdated"),
]
