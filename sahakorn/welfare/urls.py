"""Welfare screens (งานสวัสดิการ), included at /welfare/ as ``welfare:…``."""

from django.urls import path

from sahakorn.welfare import report_views, views

app_name = "welfare"
urlpatterns = [
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("claims/", views.claims, name="claims"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/approve/", views.DECISIONS.approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views.DECISIONS.reject, name="claim_reject"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
    path("claims/<int:pk>/reverse/", views.claim_reverse, name="claim_reverse"),
    path("reports/payments/", report_views.report_payments, name="report_payments"),
]
