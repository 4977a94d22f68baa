"""The ``lika`` command: Lika's manage.py.

``lika migrate``, ``lika runserver``, ``lika calculate`` … and ``python -m lika``
do the same.  Command names may be written with hyphens (``lika seed-demo``).
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lika.config.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "lika"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
