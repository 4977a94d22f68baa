"""Bounds on input from outside: files given to the commands, files from the bank, web
parameters.  Pure (no Django), so the commands, the imports and the web share one set of
limits and messages (docs/security.md, "Bad input and faults").

Every refusal is a :class:`InputLimitError` whose message is one Swedish line that never
repeats more than a few characters of the input.
"""

import errno
import json
from decimal import Decimal

KB, MB = 1_000, 1_000_000

# Largest file each kind of input may be, checked before anything is parsed.
MAX_JSON_INPUT = 1 * MB  # lika calculate, lika load-norm-table: a household or a norm table is a few kB
MAX_BANK_FILE = 50 * MB  # pain.002, camt.054, returns CSV: a status for 100 000 payments is about 40 MB
MAX_KPI_FILE = 20 * MB  # lika kpi import: every key figure of every municipality is about 10 MB
MAX_HISTORY_FILE = 200 * MB  # lika statistics import-history: 2 000 000 rows (its row limit) of about 60 bytes
MAX_PERSON_FILE = 20 * MB  # statistics from a person-level file: 200 000 rows (its row limit) of about 100 bytes
MAX_ATTENDANCE_EXPORT = 100 * MB  # lika grants-attendance-import: 2 000 000 rows of about 50 bytes, a big club's years
MAX_JSON_DEPTH = 20  # objects and lists inside each other; Lika's formats use at most 5
MAX_NUMBER_LENGTH = 40  # characters of one number in JSON or in a field of a file
MAX_PARAMETER_LENGTH = 200  # a web search or filter parameter (a name, a personnummer, a date)


class InputLimitError(ValueError):
    """Input beyond a bound; the message is one Swedish line."""


def shown(value, limit: int = 30) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters: bad input is never
    echoed whole (a 5 000-digit number or a megabyte line stays one short line)."""
    text = repr(value)
    if len(text) > limit:
        return f"{text[:limit]}… ({len(text)} tecken)"
    return text


def size_text(limit: int) -> str:
    """``1 000 000`` → ``"1 MB"``: how a limit is named in a message."""
    if limit % MB == 0:
        return f"{limit // MB} MB"
    if limit % KB == 0:
        return f"{limit // KB} kB"
    return f"{limit} byte"


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise InputLimitError(f"filen är större än {size_text(limit)} (gränsen för den här sortens fil)")


def check_text(text: str, *, max_length: int | None = None, what: str = "texten") -> str:
    """``text`` unchanged, or :class:`InputLimitError` when it holds a NUL character (which
    no text format of Lika has and PostgreSQL cannot store) or is longer than ``max_length``."""
    if max_length is not None and len(text) > max_length:
        raise InputLimitError(f"{what} är längre än {max_length} tecken")
    position = text.find("\x00")
    if position >= 0:
        line = text.count("\n", 0, position) + 1
        where = f" på rad {line}" if "\n" in text else ""
        raise InputLimitError(f"{what} innehåller ett NUL-tecken{where}")
    return text


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_LENGTH:
        raise InputLimitError(f"talet {shown(text)} har fler än {MAX_NUMBER_LENGTH} tecken")
    return text


def _int(text: str) -> int:
    return int(_number(text))


def _decimal(text: str) -> Decimal:
    return Decimal(_number(text))


def _depth(data) -> int:
    """How deep lists and objects are nested in ``data`` (iteratively: no recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            break
        stack.extend((child, level + 1) for child in item)
    return deepest


def _float(text: str) -> float:
    return float(_number(text))


def loads_json(text: str, *, max_depth: int = MAX_JSON_DEPTH, exact: bool = True, **hooks):
    """JSON text → data, bounded: numbers are exact (``Decimal`` for decimals; ``float``
    with ``exact=False``, for formats whose checks refuse floats) and at most
    :data:`MAX_NUMBER_LENGTH` characters, nesting at most ``max_depth`` levels.  Malformed
    JSON, too long numbers and too deep nesting raise :class:`InputLimitError` with one
    line; exceptions raised by ``hooks`` (``object_pairs_hook``, ``parse_constant``) pass."""
    too_deep = f"JSON är nästlad i fler än {max_depth} nivåer"
    try:
        data = json.loads(text, parse_int=_int, parse_float=_decimal if exact else _float, **hooks)
    except json.JSONDecodeError as exc:
        raise InputLimitError(f"ogiltig JSON: {exc.msg} (rad {exc.lineno}, kolumn {exc.colno})") from None
    except RecursionError:
        raise InputLimitError(too_deep) from None
    if _depth(data) > max_depth:
        raise InputLimitError(too_deep)
    return data


_OS_REASONS = {errno.ENOSPC: "disken är full", errno.EDQUOT: "diskkvoten är slut",
               errno.EROFS: "filsystemet är skrivskyddat", errno.EACCES: "behörighet saknas",
               errno.EPERM: "behörighet saknas", errno.ENOENT: "filen eller katalogen finns inte",
               errno.EISDIR: "det är en katalog"}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Swedish (a full disk, no permission)."""
    return _OS_REASONS.get(exc.errno) or exc.strerror or type(exc).__name__
