"""Settings for `make messages` only.  makemessages writes the strings of every file under
a directory named in LOCALE_PATHS into that directory's catalogue; lika/config/locale holds
only Django's wording kept over Django REST framework's (docs/architecture.md), so here
the one catalogue is lika/locale and settings.py's strings land in it."""

from .settings import *  # noqa: F403
from .settings import BASE_DIR

LOCALE_PATHS = [BASE_DIR / "lika" / "locale"]
