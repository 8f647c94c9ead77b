"""Share operations (งานทุนเรือนหุ้น): purchases, monthly shares, requests, refunds, reversals.

Included by ``shares/urls.py`` (``app_name = "shares"``), so the names are ``shares:purchase`` etc.
"""

from django.urls import path

from sahakorn.shares import views

urlpatterns = [
    path("purchase/", views.purchase, name="purchase"),
    path("monthly/change/", views.monthly_change, name="monthly_change"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/approve/", views.DECISIONS.approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.DECISIONS.reject, name="request_reject"),
    path("refunds/pay/", views.refund_pay, name="refund_pay"),
    path("transactions/<int:pk>/reverse/", views.reverse_transaction, name="reverse"),
]
