"""The decision and payment event feed (docs/api.md, "The event feed").

Events are rows of ``api_apievent``, written by triggers in the same transaction as the
decision or payment order they describe (migration 0002).  A follower asks for the events
``after`` a cursor and gets them in a fixed order; the answer's ``next`` is the cursor to
send next time.  The guarantee: **a follower that always continues from ``next`` sees every
event exactly once, in the same order as every other follower**, even when transactions
commit in another order than they began.

- SQLite has one writer at a time: an event's id is given and committed before the next
  writer can give one, so ids are committed in order.  The position is ``(0, id)``.
- PostgreSQL numbers rows when they are inserted, not when they commit: a transaction that
  began first and commits last may hold an event with a lower id than one already visible.
  So each event carries its transaction's id (``txid_current()``) and the position is
  ``(txid, id)``.  Before reading, the feed takes a bound: the lowest transaction id still
  running in this database (``pg_stat_activity.backend_xid``), or the next id to be given
  when none runs.  Then, in a later statement (so a later snapshot), it hands out only
  events with ``txid`` below the bound.  Every transaction below the bound had ended before
  the snapshot was taken, so all it committed is visible; any event written later belongs
  to a transaction at or above the bound, which sorts after every event already handed out.
  The cost: an event waits until the transactions of this database that began before it
  end (a long payment run holds back events of transactions that began after it).  The
  bound is per database, so other databases in the cluster never hold the feed back.
  (Prepared two-phase transactions are not in pg_stat_activity; Lika does not use them.)

The cursor is opaque text (``"<txid>.<id>"``); ``"0"`` or no cursor starts from the beginning.
The grants' feed (``api_apigrantevent``, /api/v1/grant-events/) works the same way, with
its own positions: a cursor of one feed means nothing in the other.
"""

import re

from django.db import connection

from lika.cases.models import Case
from lika.grants.models import Association

from .models import ApiEvent, ApiGrantEvent

CURSOR = re.compile(r"^(0|[1-9][0-9]{0,18})(?:\.(0|[1-9][0-9]{0,18}))?$")
MAX_POSITION = 2**63 - 1
START = (0, 0)


class CursorError(ValueError):
    pass


def parse_cursor(text: str | None) -> tuple[int, int]:
    if text is None or text == "":
        return START
    match = CURSOR.match(text)
    if match is None:
        raise CursorError("Ogiltig markör (after): använd next från förra svaret, eller 0 för att börja från början.")
    txid, event_id = int(match.group(1)), int(match.group(2) or 0)
    if txid > MAX_POSITION or event_id > MAX_POSITION:
        raise CursorError("Ogiltig markör (after): talet är för stort.")
    if match.group(2) is None and txid != 0:
        raise CursorError("Ogiltig markör (after): använd next från förra svaret, eller 0 för att börja från början.")
    return txid, event_id


def cursor_of(event) -> str:
    return f"{event.txid}.{event.id}"


WRAP = 2**32
BOUND_SQL = f"""
SELECT LEAST(s.xmax, COALESCE(min(s.xmax - (((s.xmax % {WRAP}) - a.backend_xid::text::bigint + {WRAP}) % {WRAP})),
                              s.xmax))
FROM (SELECT txid_snapshot_xmax(txid_current_snapshot()) AS xmax) s
LEFT JOIN pg_stat_activity a ON a.datname = current_database() AND a.backend_xid IS NOT NULL
GROUP BY s.xmax"""


def release_bound() -> int:
    """PostgreSQL: the 64-bit id below which every transaction of this database has ended
    (the running ones' 32-bit ``backend_xid`` widened with the epoch of ``xmax``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh backend states, even inside a transaction
        cursor.execute(BOUND_SQL)
        return cursor.fetchone()[0]


def _after(model, select: str, join: str, where: str, params: list, position: tuple[int, int],
           limit: int) -> tuple[list, bool]:
    """Up to ``limit`` rows of the feed table of ``model`` (alias ``e``) after ``position``
    that may be handed out now, in feed order, and whether more are waiting."""
    txid, event_id = position
    released, bound = "", []
    if connection.vendor == "postgresql":
        released, bound = "AND e.txid < %s", [release_bound()]
    sql = (f"SELECT e.*, {select} FROM {model._meta.db_table} e {join} "
           f"WHERE (e.txid > %s OR (e.txid = %s AND e.id > %s)) {released} {where} "
           f"ORDER BY e.txid, e.id LIMIT %s")
    rows = list(model.objects.raw(sql, [txid, txid, event_id, *bound, *params, limit + 1]))
    for row in rows:
        row.cursor = cursor_of(row)
    return rows[:limit], len(rows) > limit


def events_after(position: tuple[int, int], *, unit_ids, limit: int) -> tuple[list, bool]:
    """Up to ``limit`` events after ``position`` of cases in ``unit_ids`` that may be handed
    out now, in feed order, and whether more are waiting."""
    units = list(unit_ids)
    if not units:
        return [], False
    placeholders = ", ".join(["%s"] * len(units))
    rows, more = _after(ApiEvent, "c.reference AS case_reference", f"JOIN {Case._meta.db_table} c ON c.id = e.case_id",
                        f"AND c.unit_id IN ({placeholders})", units, position, limit)
    return rows, more


def grant_events_after(position: tuple[int, int], *, limit: int) -> tuple[list, bool]:
    """The grants' feed: every grant decision and grant payment event (the grants are the
    municipality's, not a unit's), with the association's organisationsnummer and name."""
    return _after(ApiGrantEvent, "a.orgnr AS association_orgnr, a.name AS association_name",
                  f"JOIN {Association._meta.db_table} a ON a.id = e.association_id", "", [], position, limit)
