"""What Lika's management commands share: reading an input file the same way."""

import sys

from django.core.management.base import CommandError


def read_text_input(name: str) -> str:
    """The UTF-8 text of file ``name`` (``-`` for standard input), or exit code 2 with one line."""
    try:
        if name == "-":
            return sys.stdin.read()
        with open(name, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "filen är inte UTF-8"
        raise CommandError(f"kan inte läsa {name}: {reason}", returncode=2) from None
