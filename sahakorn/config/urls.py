from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("members/", include("sahakorn.members.urls")),
    path("ledger/", include("sahakorn.ledger.urls")),
    path("shares/", include("sahakorn.shares.urls")),
    path("deposits/", include("sahakorn.deposits.urls")),
    path("welfare/", include("sahakorn.welfare.urls")),
    path("funeral/", include("sahakorn.funeral.urls")),
    path("news/", include("sahakorn.news.urls")),
    path("loans/", include("sahakorn.loans.urls")),
    path("", include("sahakorn.core.urls")),
]
