"""Whether serving may start: the public demo secret key is refused outside the demo.

Every install without ``SAHAKORN_SECRET_KEY`` shares ``settings.DEMO_SECRET_KEY``, so sessions,
password-reset tokens and signed values would be forgeable by anyone who read the source. Management
commands (migrate, generate, check, the tests) still run without a key; serving — the WSGI
application (``sahakorn.config.wsgi``) and ``sahakorn serve`` — needs one, unless debug is on or
``sahakorn demo`` started it (it sets ``SAHAKORN_DEMO=1``).
"""

import os

DEMO_ENV = "SAHAKORN_DEMO"


def demo_key_refusal() -> str | None:
    """Why serving must not start (the demo key, debug off, not the demo), or None."""
    from django.conf import settings

    if settings.SECRET_KEY != settings.DEMO_SECRET_KEY or settings.DEBUG or os.environ.get(DEMO_ENV) == "1":
        return None
    return (
        "SAHAKORN_SECRET_KEY is not set: refusing to serve with the public demo key. Set it to a long "
        "random value (python -c 'import secrets; print(secrets.token_urlsafe(50))'), or run `sahakorn demo`."
    )
