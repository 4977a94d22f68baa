"""What Lika's management commands share: reading an input file the same way, within the
bounds of ``lika.core.limits``, and turning faults of the machine (a full disk, a read-only
or busy database, another process doing the same job) into one Swedish line with exit
code 2 instead of a traceback (docs/security.md, "Bad input and faults")."""

import hashlib
import os
import sys
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection

from lika.core.limits import MAX_JSON_INPUT, InputLimitError, check_size, check_text, os_reason

MAX_MESSAGE = 300  # characters of a command's one-line answer


def fail(message: str):
    """Stop the command: ``message`` on one line (whitespace, newlines included, collapsed;
    cut to ``MAX_MESSAGE`` characters), exit code 2."""
    line = " ".join(str(message).split())
    raise CommandError(line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE - 1] + "…", returncode=2)


def read_text_input(name: str, *, limit: int = MAX_JSON_INPUT) -> str:
    """The UTF-8 text of file ``name`` (``-`` for standard input), at most ``limit`` bytes
    (checked before it is read whole) and without NUL characters, or exit code 2 with one
    line.  Line endings are read as ``\\n``, as text-mode files are."""
    try:
        if name == "-":
            data = _read_stdin(limit)
        else:
            with open(name, "rb") as handle:
                check_size(os.fstat(handle.fileno()).st_size, limit)
                data = handle.read(limit + 1)
        check_size(len(data), limit)
        text = data.decode("utf-8")
        check_text(text, what="filen")
    except (OSError, UnicodeDecodeError, InputLimitError) as exc:
        if isinstance(exc, InputLimitError):
            reason = str(exc)
        else:
            reason = os_reason(exc) if isinstance(exc, OSError) else "filen är inte UTF-8"
        fail(f"kan inte läsa {name}: {reason}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_stdin(limit: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return stream.read(limit + 1)
    return sys.stdin.read(limit + 1).encode("utf-8")  # a text stream (tests)


def os_fault(exc: OSError) -> str:
    """A file that could not be written or read, in Swedish, on one line."""
    where = f" {exc.filename}" if exc.filename else ""
    return f"filen{where} kan inte skrivas eller läsas: {os_reason(exc)}"


def database_fault(exc: DatabaseError) -> str:
    """A database that refused, in Swedish, on one line (no SQL, no traceback)."""
    text = str(exc).lower()
    if isinstance(exc, IntegrityError):
        return ("databasen stoppade en ändring som bröt mot en av dess regler (oftast för att en annan "
                "process gjorde samma sak samtidigt): kör kommandot igen")
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "databasen är skrivskyddad: ändringen kunde inte sparas"
    if "disk is full" in text or "no space" in text:
        return "disken med databasen är full: ingenting mer kunde sparas"
    if "locked" in text or "could not obtain lock" in text:
        return "databasen är upptagen av en annan process: försök igen om en stund"
    if "no such table" in text or "does not exist" in text:
        return "databasen är inte redo: kör först `lika migrate`"
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return f"databasen svarade med ett fel: {first}"


@contextmanager
def machine_faults():
    """Inside: a database error or a file that cannot be written ends the command with one
    line and exit code 2 (what was committed before stays; a command that writes in
    several transactions says in its docs how it is resumed)."""
    try:
        yield
    except DatabaseError as exc:
        fail(database_fault(exc))
    except OSError as exc:
        fail(os_fault(exc))


class Busy(Exception):
    """Another process holds the lock."""


@contextmanager
def one_process_at_a_time(name: str):
    """Hold the exclusive lock ``name`` while inside, or raise :class:`Busy` at once when
    another process holds it.  PostgreSQL: a session advisory lock (processes may run on
    several machines); SQLite: an ``flock`` on a file next to the database file (the only
    way several processes share one SQLite database is on one machine)."""
    key = int.from_bytes(hashlib.sha256(f"lika:{name}".encode()).digest()[:8], "big", signed=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                raise Busy(name)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    import fcntl

    database = str(connection.settings_dict["NAME"])
    in_memory = database == ":memory:" or "mode=memory" in database
    folder = os.path.dirname(os.path.abspath(database)) if not in_memory else None
    tag = hashlib.sha256(f"{database}:{name}".encode()).hexdigest()[:16]
    path = os.path.join(folder or os.environ.get("TMPDIR", "/tmp"), f".lika-lock-{tag}")
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
