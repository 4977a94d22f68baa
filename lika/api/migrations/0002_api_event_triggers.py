"""The event feed is written by the database itself (issue 18, docs/api.md "The event feed"):
triggers on ``cases_decision`` and ``payments_paymentorder`` append one ``api_apievent`` row
in the same transaction as the change, whatever code makes it, on both engines.

- a decision row inserted: ``decision_created`` (and ``decision_issued`` if inserted issued);
- a decision's status becoming ``issued``: ``decision_issued``;
- a payment order's status becoming ``exported``, ``paid``, ``returned`` or ``rejected``:
  ``payment_<status>``.

``api_apievent`` is append-only (UPDATE and DELETE refused: ``lika.audit.append_only``; the
tests drop its SQLite triggers around Django's flush, tests/conftest.py reads SQLITE and
SQLITE_NAMES).  On PostgreSQL each row gets ``txid_current()``, the writing transaction's
id, which the feed uses to hand out an event only when no transaction that could still add
an earlier one is running (lika/api/feed.py)."""

from django.db import migrations

from lika.api.feed_triggers import feed_triggers
from lika.audit.append_only import AppendOnlyTable

APPEND_ONLY = AppendOnlyTable("api_apievent", "api_event", "the event feed is append-only")
SQLITE, SQLITE_NAMES = APPEND_ONLY.sqlite, APPEND_ONLY.sqlite_names

COLUMNS = "kind, case_id, decision_id, payment_order_id, amount, occurred_at, txid"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
ORDER_KINDS = "('exported', 'paid', 'returned', 'rejected')"


def _sqlite_decision(kind):
    return (f"INSERT INTO api_apievent ({COLUMNS}) SELECT '{kind}', a.case_id, NEW.id, NULL, NEW.granted_amount, "
            f"{SQLITE_NOW}, 0 FROM cases_application a WHERE a.id = NEW.application_id;")


SQLITE_ORDER = (f"INSERT INTO api_apievent ({COLUMNS}) SELECT 'payment_' || NEW.status, a.case_id, NEW.decision_id, "
                f"NEW.id, NEW.amount, {SQLITE_NOW}, 0 FROM cases_decision d JOIN cases_application a "
                "ON a.id = d.application_id WHERE d.id = NEW.decision_id;")

SQLITE_FEED = [
    ("api_event_decision_created", "AFTER INSERT ON cases_decision", "", _sqlite_decision("decision_created")),
    ("api_event_decision_inserted_issued", "AFTER INSERT ON cases_decision", "NEW.status = 'issued'",
     _sqlite_decision("decision_issued")),
    ("api_event_decision_issued", "AFTER UPDATE OF status ON cases_decision",
     "NEW.status = 'issued' AND OLD.status <> 'issued'", _sqlite_decision("decision_issued")),
    ("api_event_order_inserted", "AFTER INSERT ON payments_paymentorder", f"NEW.status IN {ORDER_KINDS}",
     SQLITE_ORDER),
    ("api_event_order_status", "AFTER UPDATE OF status ON payments_paymentorder",
     f"NEW.status <> OLD.status AND NEW.status IN {ORDER_KINDS}", SQLITE_ORDER),
]

POSTGRES = [
    f"""CREATE FUNCTION lika_api_event_decision() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO api_apievent ({COLUMNS}) SELECT 'decision_created', a.case_id, NEW.id, NULL, NEW.granted_amount,
      clock_timestamp(), txid_current() FROM cases_application a WHERE a.id = NEW.application_id;
  END IF;
  IF NEW.status = 'issued' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'issued') THEN
    INSERT INTO api_apievent ({COLUMNS}) SELECT 'decision_issued', a.case_id, NEW.id, NULL, NEW.granted_amount,
      clock_timestamp(), txid_current() FROM cases_application a WHERE a.id = NEW.application_id;
  END IF;
  RETURN NULL;
END $fn$;""",
    f"""CREATE FUNCTION lika_api_event_order() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.status IN {ORDER_KINDS} AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status) THEN
    INSERT INTO api_apievent ({COLUMNS}) SELECT 'payment_' || NEW.status, a.case_id, NEW.decision_id, NEW.id,
      NEW.amount, clock_timestamp(), txid_current()
      FROM cases_decision d JOIN cases_application a ON a.id = d.application_id WHERE d.id = NEW.decision_id;
  END IF;
  RETURN NULL;
END $fn$;""",
    "CREATE TRIGGER api_event_decision AFTER INSERT OR UPDATE OF status ON cases_decision "
    "FOR EACH ROW EXECUTE FUNCTION lika_api_event_decision();",
    "CREATE TRIGGER api_event_order AFTER INSERT OR UPDATE OF status ON payments_paymentorder "
    "FOR EACH ROW EXECUTE FUNCTION lika_api_event_order();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER api_event_decision ON cases_decision;",
    "DROP TRIGGER api_event_order ON payments_paymentorder;",
    "DROP FUNCTION lika_api_event_decision();",
    "DROP FUNCTION lika_api_event_order();",
]


class Migration(migrations.Migration):
    # payments comes through 0001: a parent named here is migrated first when its name sorts last
    # (Django's graph walk), and cases must come before payments on SQLite (payments' triggers
    # name cases_decision, which cases 0006 remakes)
    dependencies = [("api", "0001_api_initial"), ("audit", "0003_records_append_only"),
                    ("cases", "0010_broken_withdrawal")]
    operations = [feed_triggers(SQLITE_FEED, POSTGRES, POSTGRES_REVERSE), APPEND_ONLY.operation()]
