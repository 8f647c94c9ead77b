"""The WSGI application ``sahakorn serve`` (waitress) runs; any other WSGI server may load it too.

It refuses to load with the public demo secret key outside the demo (``sahakorn.config.serving``).
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from sahakorn.config.serving import demo_key_refusal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahakorn.config.settings")
application = get_wsgi_application()
if (refusal := demo_key_refusal()) is not None:
    raise ImproperlyConfigured(refusal)
