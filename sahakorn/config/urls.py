from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("members/", include("sahakorn.members.urls")),
    path("ledger/", include("sahakorn.ledger.urls")),
    path("shares/", include("sahakorn.shares.urls")),
    path("", include("sahakorn.core.urls")),
]
