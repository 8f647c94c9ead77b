from django.urls import path

from sahakorn.shares import report_views as views

urlpatterns = [
    path("members/<int:pk>/", views.account, name="account"),
    path("reports/register/", views.report_register, name="report_register"),
    path("reports/monthly-summary/", views.report_monthly_summary, name="report_monthly_summary"),
    path("reports/members/<int:pk>/history/", views.report_member_history, name="report_member_history"),
    path("reports/monthly-status/", views.report_monthly_status, name="report_monthly_status"),
    path("reports/requests/", views.report_requests, name="report_requests"),
    path("reports/below-minimum/", views.report_below_minimum, name="report_below_minimum"),
]
