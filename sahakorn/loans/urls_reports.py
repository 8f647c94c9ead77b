from django.urls import path

from sahakorn.loans import report_views as views

urlpatterns = [
    path("reports/register/", views.report_register, name="report_register"),
    path("reports/arrears/", views.report_arrears, name="report_arrears"),
    path("reports/guarantors/", views.report_guarantors, name="report_guarantors"),
    path("reports/interest/", views.report_interest, name="report_interest"),
]
