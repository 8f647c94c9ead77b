"""``sahakorn serve``: the production way to serve — waitress (a production WSGI server) running
``sahakorn.config.wsgi.application``, with whitenoise (in the middleware) serving the static files.

Refuses the public demo secret key outside the demo (``sahakorn.config.serving``).
Behind a reverse proxy, ``SAHAKORN_TRUSTED_PROXY`` is the proxy's address: waitress believes its
X-Forwarded-Proto/-For/-Host and drops those headers from anyone else.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sahakorn.config.serving import demo_key_refusal


def listen_address(addrport: str) -> tuple[str, int]:
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"--addrport must be HOST:PORT, not {addrport!r}")
    return host or "127.0.0.1", int(port)


class Command(BaseCommand):
    help = "Serve Sahakorn with waitress (a production WSGI server) and whitenoise for static files."
    requires_system_checks = "__all__"

    def add_arguments(self, parser):
        parser.add_argument(
            "--addrport",
            default=os.environ.get("SAHAKORN_LISTEN", "127.0.0.1:8000"),
            help="HOST:PORT to listen on (default: $SAHAKORN_LISTEN or 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("SAHAKORN_THREADS", "8")), help="worker threads"
        )

    def handle(self, *args, addrport: str, threads: int, **options):
        if (refusal := demo_key_refusal()) is not None:
            raise CommandError(refusal)
        host, port = listen_address(addrport)
        import waitress  # type: ignore[import-untyped]  # no stubs on PyPI

        from sahakorn.config.wsgi import application

        proxy: dict = {}
        if settings.TRUSTED_PROXY:
            proxy = {
                "trusted_proxy": settings.TRUSTED_PROXY,
                "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"},
            }
        self.stdout.write(f"Sahakorn: http://{host}:{port}/ (waitress, {threads} threads; Ctrl-C stops)")
        waitress.serve(application, host=host, port=port, threads=threads, ident="sahakorn", **proxy)
