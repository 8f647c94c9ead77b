from django.urls import path

from sahakorn.loans import views

app_name = "loans"
urlpatterns = [
    path("eligibility/", views.eligibility, name="eligibility"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("applications/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
]
