"""Deposit screens (งานเงินฝาก); included at /deposits/ with ``app_name = "deposits"``."""

from django.urls import path

from sahakorn.deposits import views

app_name = "deposits"
urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("open/", views.account_open, name="open"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("accounts/<int:pk>/deposit/", views.deposit, name="deposit"),
    path("accounts/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("accounts/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("accounts/<int:pk>/close/", views.close, name="close"),
    path("accounts/<int:pk>/monthly/", views.monthly_deposit, name="monthly_deposit"),
    path("accounts/<int:pk>/hold/", views.hold_place, name="hold_place"),
    path("accounts/<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("transactions/<int:pk>/reverse/", views.reverse_transaction, name="reverse"),
    path("interest/", views.interest_runs, name="interest_runs"),
    path("products/", views.products, name="products"),
]
