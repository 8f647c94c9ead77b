from django.urls import path

from sahakorn.funeral import report_views, views

app_name = "funeral"
urlpatterns = [
    path("", views.members, name="members"),
    path("enrol/", views.enrol, name="enrol"),
    path("members/<int:pk>/", views.membership, name="membership"),
    path("members/<int:pk>/beneficiaries/", views.beneficiaries, name="beneficiaries"),
    path("levies/", views.levies, name="levies"),
    path("levies/new/", views.levy_create, name="levy_create"),
    path("levies/<int:pk>/", views.levy, name="levy"),
    path("claims/", views.claims, name="claims"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("claims/<int:pk>/approve/", views.DECISIONS.approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views.DECISIONS.reject, name="claim_reject"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
    path("reports/dues/", report_views.report_dues, name="report_dues"),
]
