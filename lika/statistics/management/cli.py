"""What the statistics commands share: one-line errors with exit code 2, the acting user
and the output file, checked before any work is done."""

from pathlib import Path

from django.core.management.base import CommandError


def fail(message):
    raise CommandError(message, returncode=2)


def acting_user(username):
    """The active user named ``username`` (None: the system); exit 2 when there is none."""
    from lika.accounts.models import User

    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        fail(f"användaren {username!r} finns inte eller är inte aktiv")
    return user


def output_path(text):
    """``--output`` as a path whose directory exists (None when not given)."""
    if not text:
        return None
    path = Path(text)
    if path.is_dir():
        fail(f"{path} är en katalog: ange en fil med --output")
    if not path.parent.is_dir():
        fail(f"katalogen {path.parent} finns inte")
    return path
