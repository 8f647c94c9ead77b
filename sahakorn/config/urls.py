"""The site's URLs: the admin, the language switch, each app's screens at /<app label>/, and core at /.

Apps are found the way roles and sub-ledgers are (an installed ``sahakorn.*`` app with a
``urls.py``), so a new app adds no line here.
"""

from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.urls import include, path


def _app_urls() -> list:
    found = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.urls"
        if app_config.name.startswith("sahakorn.") and app_config.label != "core" and find_spec(module_name):
            found.append(path(f"{app_config.label}/", include(module_name)))
    return found


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *_app_urls(),
    path("", include("sahakorn.core.urls")),
]
