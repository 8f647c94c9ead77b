"""Settings for Sahakorn, read from the environment.

``DATABASE_URL`` selects the database (``postgres://…`` for the system of record); without it
Sahakorn runs on an embedded SQLite file under ``SAHAKORN_HOME`` (default ``./var``), which is
what the demo uses.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
SAHAKORN_HOME = Path(os.environ.get("SAHAKORN_HOME", Path.cwd() / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("SAHAKORN_DEBUG", False)
# The demo, the tests and every management command run without a configured secret; serving does
# not: ``sahakorn serve`` and the WSGI application refuse this key unless debug is on or the demo
# (``sahakorn demo``) started them (``sahakorn.config.serving``).
DEMO_SECRET_KEY = "sahakorn-demo-only-not-secret"
SECRET_KEY = os.environ.get("SAHAKORN_SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("SAHAKORN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SAHAKORN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # First, so its templates (admin/base_site.html with the Thai font) win over Django's.
    "sahakorn.core.apps.CoreConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "sahakorn.members",
    "sahakorn.ledger",
    "sahakorn.shares",
    "sahakorn.deposits",
    "sahakorn.welfare",
    "sahakorn.funeral",
    "sahakorn.news",
    "sahakorn.loans",
    "sahakorn.billing",
    "sahakorn.generator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sahakorn.core.middleware.CoopLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sahakorn.core.middleware.NoStoreForLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a throttled login never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sahakorn.config.urls"
WSGI_APPLICATION = "sahakorn.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "sahakorn.core.context_processors.coop",
                "sahakorn.core.views.back_office",
            ],
            "builtins": ["sahakorn.core.templatetags.thai"],
        },
    }
]

_default_sqlite = f"sqlite:///{SAHAKORN_HOME / 'sahakorn.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SAHAKORN_HOME.mkdir(parents=True, exist_ok=True)
    # WAL lets the demo server read while a batch writes; a generous timeout rides out bulk inserts.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five wrong passwords lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
# A successful login clears the failures counted so far, so a later typo starts again at one.
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SAHAKORN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A session ends after SAHAKORN_SESSION_IDLE_MINUTES without a request (each request pushes the end
# back) and when the browser closes (the cookie has no expiry date).
SESSION_COOKIE_AGE = int(os.environ.get("SAHAKORN_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS behind a reverse proxy (README, "Running in production"). The proxy at
# SAHAKORN_TRUSTED_PROXY terminates TLS and says so in X-Forwarded-Proto; `sahakorn serve` believes
# that header from this address only and drops it from anyone else.
TRUSTED_PROXY = os.environ.get("SAHAKORN_TRUSTED_PROXY", "")
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("SAHAKORN_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SAHAKORN_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SAHAKORN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SAHAKORN_HSTS_PRELOAD", False)

# Uploads. Form fields other than files stay within Django's 2.5 MB; an uploaded file over
# FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file rather than held in memory, and the
# member import reads it from there row by row. The import screen refuses a file over
# SAHAKORN_IMPORT_MAX_MB (a 30,000-member file with addresses is about 10 MB); `sahakorn import`
# on the server reads a file of any size in the same bounded memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("SAHAKORN_IMPORT_MAX_MB", "20"))

# Content-Security-Policy on every response (Django's own middleware). Scripts, styles, fonts and
# images come from the app's static files only. An inline <script> carries nonce="{{ csp_nonce }}";
# the two inline event handlers the templates use are allowed by their hashes ('unsafe-hashes'),
# and core/tests/test_deploy.py fails when a template adds a handler or script the policy blocks.
# Style attributes (and htmx's indicator <style>) need 'unsafe-inline' for styles only.
INLINE_HANDLER_HASHES = {
    "this.form.submit()": "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='",
    "window.print()": "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='",
}
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_HASHES, *INLINE_HANDLER_HASHES.values()],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = SAHAKORN_HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "sahakorn.core.staticfinders.SarabunFontFinder",
]
# Served from the app itself even without collectstatic, so the demo needs no extra step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAHAKORN_LOG_LEVEL", "WARNING")},
}
