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
  ``(txid, id)``; an event is handed out only when ``txid`` is below the snapshot's xmin
  (``txid_snapshot_xmin(txid_current_snapshot())``), the oldest transaction still running.
  Every transaction below xmin has ended, so every event it committed is visible, and any
  event written later belongs to a transaction at or above xmin, which sorts after every
  event already handed out.  The cost: an event waits until older transactions end (a long
  payment run holds back events of transactions that began after it).

The cursor is opaque text (``"<txid>.<id>"``); ``"0"`` or no cursor starts from the beginning.
"""

import re

from django.db import connection

from lika.cases.models import Case

from .models import ApiEvent

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


def events_after(position: tuple[int, int], *, unit_ids, limit: int) -> tuple[list, bool]:
    """Up to ``limit`` events after ``position`` of cases in ``unit_ids`` that may be handed
    out now, in feed order, and whether more are waiting."""
    txid, event_id = position
    table, cases = ApiEvent._meta.db_table, Case._meta.db_table
    units = list(unit_ids)
    if not units:
        return [], False
    placeholders = ", ".join(["%s"] * len(units))
    released = ("AND e.txid < txid_snapshot_xmin(txid_current_snapshot())"
                if connection.vendor == "postgresql" else "")
    sql = (f"SELECT e.id, e.kind, e.case_id, e.decision_id, e.payment_order_id, e.amount, e.occurred_at, e.txid, "
           f"c.reference FROM {table} e JOIN {cases} c ON c.id = e.case_id "
           f"WHERE (e.txid > %s OR (e.txid = %s AND e.id > %s)) {released} AND c.unit_id IN ({placeholders}) "
           f"ORDER BY e.txid, e.id LIMIT %s")
    rows = list(ApiEvent.objects.raw(sql, [txid, txid, event_id, *units, limit + 1]))
    for row in rows:
        row.cursor = cursor_of(row)
        row.case_reference = row.reference
    return rows[:limit], len(rows) > limit
