"""Deployment defaults (issue 11): the demo key refused when serving, HTTPS settings that pass
``check --deploy``, the Content-Security-Policy, no-store on logged-in pages, idle sessions, the
login failure count, a member's 403 page, and ``sahakorn serve``."""

import base64
import hashlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from sahakorn.config.serving import DEMO_ENV

SAHAKORN_DIR = Path(settings.BASE_DIR)

# The production settings the README documents ("Running in production").
PRODUCTION_ENV = {
    "SAHAKORN_SECRET_KEY": "k3y-for-the-test-only-" + "x" * 50,
    "SAHAKORN_ALLOWED_HOSTS": "coop.example.org",
    "SAHAKORN_CSRF_TRUSTED_ORIGINS": "https://coop.example.org",
    "SAHAKORN_SECURE_COOKIES": "1",
    "SAHAKORN_TRUSTED_PROXY": "127.0.0.1",
    "SAHAKORN_SSL_REDIRECT": "1",
    "SAHAKORN_HSTS_SECONDS": "31536000",
    "SAHAKORN_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SAHAKORN_HSTS_PRELOAD": "1",
}


def _run(code_or_args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    """A fresh interpreter with only the given SAHAKORN_* variables (none of the caller's)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("SAHAKORN_") and k != "DJANGO_SETTINGS_MODULE"
    }
    clean.update(
        {"SAHAKORN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sahakorn.config.settings", **env}
    )
    return subprocess.run(
        [sys.executable, *code_or_args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


# 1. The public demo key is refused when serving, not for management commands.


def test_the_wsgi_application_refuses_the_demo_key_outside_the_demo(tmp_path):
    refused = _run(["-c", "import sahakorn.config.wsgi"], tmp_path)
    assert refused.returncode != 0
    assert "SAHAKORN_SECRET_KEY" in refused.stderr

    assert (
        _run(["-c", "import sahakorn.config.wsgi"], tmp_path, SAHAKORN_SECRET_KEY="a-real-key").returncode
        == 0
    )
    assert _run(["-c", "import sahakorn.config.wsgi"], tmp_path, **{DEMO_ENV: "1"}).returncode == 0


def test_management_commands_other_than_serving_run_without_a_key(tmp_path):
    result = _run(["-m", "sahakorn", "check"], tmp_path)
    assert result.returncode == 0, result.stderr


def test_serve_refuses_the_demo_key_outside_the_demo(monkeypatch):
    monkeypatch.delenv(DEMO_ENV, raising=False)
    assert settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not settings.DEBUG
    with pytest.raises(CommandError, match="SAHAKORN_SECRET_KEY"):
        call_command("serve")


def test_serve_runs_waitress_on_the_wsgi_application(monkeypatch):
    import waitress

    served = {}
    monkeypatch.setenv(DEMO_ENV, "1")
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))

    call_command("serve", addrport="127.0.0.1:8123", threads=4)

    from sahakorn.config.wsgi import application

    assert served["app"] is application
    assert (served["host"], served["port"], served["threads"]) == ("127.0.0.1", 8123, 4)
    assert "trusted_proxy" not in served


def test_the_demo_serves_with_serve_not_runserver(monkeypatch, db):
    from sahakorn.generator.management.commands import demo

    calls = []
    monkeypatch.setenv(DEMO_ENV, "0")  # restored after the test
    monkeypatch.setattr(demo, "call_command", lambda name, *a, **kw: calls.append((name, kw)))

    call_command("demo", members=10, addrport="127.0.0.1:8124")

    assert ("serve", {"addrport": "127.0.0.1:8124"}) in calls
    assert "runserver" not in [name for name, _ in calls]
    assert os.environ[DEMO_ENV] == "1"


# 2. HTTPS behind a proxy: `check --deploy` is clean with the documented settings.


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _run(
        ["-m", "sahakorn", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_proxy_https_settings_come_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_AGE)"
    )
    result = _run(["-c", code], tmp_path, **PRODUCTION_ENV, SAHAKORN_SESSION_IDLE_MINUTES="5")
    assert result.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "31536000",
        "True",
        "True",
        "300",
    ]


# 3. Content-Security-Policy.

TEMPLATE_FILES = [p for p in SAHAKORN_DIR.rglob("templates/**/*.html")]


def _csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


def test_every_page_has_a_content_security_policy_without_inline_scripts(client, officer):
    for response in (client.get(reverse("login")), client.get("/no-such-page/")):
        policy = _csp(response)
        assert policy["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
    client.force_login(officer)
    assert "script-src" in _csp(client.get(reverse("home")))


def test_an_inline_script_carries_the_nonce_of_its_response(client, accountant):
    client.force_login(accountant)
    response = client.get(reverse("ledger:entry_create"))

    nonces = re.findall(r'<script nonce="([^"]+)">', response.text)
    assert nonces
    assert all(f"'nonce-{n}'" in _csp(response)["script-src"] for n in nonces)


def test_every_inline_script_in_the_templates_has_a_nonce():
    for path in TEMPLATE_FILES:
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            assert "src=" in tag or 'nonce="{{ csp_nonce }}"' in tag or "application/json" in tag, (path, tag)


def test_every_inline_event_handler_in_the_templates_is_allowed_by_its_hash():
    handlers = set()
    for path in TEMPLATE_FILES:
        handlers |= set(re.findall(r'\son[a-z]+="([^"]*)"', path.read_text()))
    assert handlers
    for handler in handlers:
        digest = base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()
        assert settings.INLINE_HANDLER_HASHES.get(handler) == f"'sha256-{digest}'", handler
        assert f"'sha256-{digest}'" in settings.SECURE_CSP["script-src"]


# 4. No-store, idle sessions, the failure count.


def test_pages_for_a_logged_in_user_are_never_stored(client, officer):
    client.force_login(officer)
    for url in (reverse("home"), reverse("members:list")):
        assert "no-store" in client.get(url).headers.get("Cache-Control", ""), url


def test_a_session_ends_when_the_browser_closes_and_after_the_idle_time(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    assert client.session.get_expire_at_browser_close()
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not client.cookies[settings.SESSION_COOKIE_NAME]["expires"]

    # each request pushes the end back by the idle time
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(reverse("home"))
    refreshed = Session.objects.get(pk=session.pk).expire_date
    assert refreshed > timezone.now() + timedelta(minutes=29)

    # idle longer than that: logged out
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_successful_login_resets_the_failure_count(client, officer):
    officer.set_password("correct-horse-battery")
    officer.save()
    for _ in range(4):
        client.post(reverse("login"), {"username": "officer1", "password": "wrong"})
    assert (
        client.post(
            reverse("login"), {"username": "officer1", "password": "correct-horse-battery"}
        ).status_code
        == 302
    )
    client.post(reverse("logout"))

    # when: four more typos (eight in all), then the right password
    for _ in range(4):
        client.post(reverse("login"), {"username": "officer1", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer1", "password": "correct-horse-battery"})

    # then: not locked out
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


# 5. A member's 403 page.


def test_a_members_403_page_shows_no_back_office_menu(client, outsider, officer):
    client.force_login(outsider)
    response = client.get(reverse("home"))

    assert response.status_code == 403
    for url in (reverse("members:list"), reverse("ledger:journal"), reverse("ledger:chart")):
        assert f'href="{url}' not in response.text
        assert f'action="{url}' not in response.text
    assert reverse("logout") in response.text

    client.force_login(officer)
    assert f'href="{reverse("ledger:journal")}' in client.get(reverse("home")).text
