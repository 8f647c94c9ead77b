from django.urls import path

from sahakorn.loans import calculator_views, urls_reports, views

app_name = "loans"
urlpatterns = [
    path("eligibility/", views.eligibility, name="eligibility"),
    path("calculator/", calculator_views.loan_calculator, name="calculator"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/approve/", views.DECISIONS.approve, name="application_approve"),
    path("applications/<int:pk>/reject/", views.DECISIONS.reject, name="application_reject"),
    path("applications/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/pay/", views.contract_pay, name="contract_pay"),
    path("contracts/<int:pk>/payoff/", views.contract_payoff, name="contract_payoff"),
    path("contracts/<int:pk>/reverse/", views.contract_reverse, name="contract_reverse"),
    path("contracts/<int:pk>/rate/", views.contract_rate, name="contract_rate"),
    path("contracts/<int:pk>/refund/", views.contract_refund, name="contract_refund"),
]
urlpatterns += urls_reports.urlpatterns
