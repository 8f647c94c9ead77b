"""The ``sahakorn`` console script: manage.py under the product's name.

``sahakorn demo``, ``sahakorn generate``, ``sahakorn import members FILE``, ``sahakorn ledger check``
and every other Django management command run through here.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahakorn.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sahakorn", *sys.argv[1:]])


if __name__ == "__main__":
    main()
