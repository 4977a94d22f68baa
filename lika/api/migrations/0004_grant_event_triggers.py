"""The grants' event feed is written by the database too (issue 18, docs/api.md "The grants'
event feed"): triggers on ``grants_grantdecision`` and ``payments_grantpaymentorder`` append
one ``api_apigrantevent`` row in the same transaction as the change, on both engines.

- a grant decision inserted (it is made once and never changed, grants 0011):
  ``grant_decision_made``, with the amount granted (0 when refused);
- a grant payment order inserted with, or changed to, the status ``exported``, ``paid``,
  ``returned`` or ``rejected``: ``grant_payment_<status>``.

``api_apigrantevent`` is append-only like ``api_apievent``; on PostgreSQL each row gets
``txid_current()`` so the feed hands it out in the same safe order (lika/api/feed.py)."""

from django.db import migrations

from lika.api.feed_triggers import feed_triggers
from lika.audit.append_only import AppendOnlyTable

APPEND_ONLY = AppendOnlyTable("api_apigrantevent", "api_grant_event", "the grant event feed is append-only")
SQLITE, SQLITE_NAMES = APPEND_ONLY.sqlite, APPEND_ONLY.sqlite_names

COLUMNS = "kind, application_id, decision_id, payment_order_id, association_id, amount, occurred_at, txid"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
ORDER_KINDS = "('exported', 'paid', 'returned', 'rejected')"

SQLITE_DECISION = (f"INSERT INTO api_apigrantevent ({COLUMNS}) SELECT 'grant_decision_made', NEW.application_id, "
                   f"NEW.id, NULL, a.association_id, NEW.amount, {SQLITE_NOW}, 0 "
                   "FROM grants_grantapplication a WHERE a.id = NEW.application_id;")
SQLITE_ORDER = (f"INSERT INTO api_apigrantevent ({COLUMNS}) SELECT 'grant_payment_' || NEW.status, d.application_id, "
                f"NEW.decision_id, NEW.id, NEW.association_id, NEW.amount, {SQLITE_NOW}, 0 "
                "FROM grants_grantdecision d WHERE d.id = NEW.decision_id;")

SQLITE_FEED = [
    ("api_grant_event_decision", "AFTER INSERT ON grants_grantdecision", "", SQLITE_DECISION),
    ("api_grant_event_order_inserted", "AFTER INSERT ON payments_grantpaymentorder", f"NEW.status IN {ORDER_KINDS}",
     SQLITE_ORDER),
    ("api_grant_event_order_status", "AFTER UPDATE OF status ON payments_grantpaymentorder",
     f"NEW.status <> OLD.status AND NEW.status IN {ORDER_KINDS}", SQLITE_ORDER),
]

POSTGRES = [
    f"""CREATE FUNCTION lika_api_grant_event_decision() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO api_apigrantevent ({COLUMNS}) SELECT 'grant_decision_made', NEW.application_id, NEW.id, NULL,
    a.association_id, NEW.amount, clock_timestamp(), txid_current()
    FROM grants_grantapplication a WHERE a.id = NEW.application_id;
  RETURN NULL;
END $fn$;""",
    f"""CREATE FUNCTION lika_api_grant_event_order() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.status IN {ORDER_KINDS} AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status) THEN
    INSERT INTO api_apigrantevent ({COLUMNS}) SELECT 'grant_payment_' || NEW.status, d.application_id,
      NEW.decision_id, NEW.id, NEW.association_id, NEW.amount, clock_timestamp(), txid_current()
      FROM grants_grantdecision d WHERE d.id = NEW.decision_id;
  END IF;
  RETURN NULL;
END $fn$;""",
    "CREATE TRIGGER api_grant_event_decision AFTER INSERT ON grants_grantdecision "
    "FOR EACH ROW EXECUTE FUNCTION lika_api_grant_event_decision();",
    "CREATE TRIGGER api_grant_event_order AFTER INSERT OR UPDATE OF status ON payments_grantpaymentorder "
    "FOR EACH ROW EXECUTE FUNCTION lika_api_grant_event_order();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER api_grant_event_decision ON grants_grantdecision;",
    "DROP TRIGGER api_grant_event_order ON payments_grantpaymentorder;",
    "DROP FUNCTION lika_api_grant_event_decision();",
    "DROP FUNCTION lika_api_grant_event_order();",
]


class Migration(migrations.Migration):
    # grants and payments come through 0003.  Django's graph walk migrates the parent whose
    # name sorts last first: naming cases here brings every cases migration in before the
    # payments ones (payments' triggers name cases_decision, which cases 0006 remakes on SQLite)
    dependencies = [("api", "0003_grant_events"), ("cases", "0013_dispatch_print_batches")]

    operations = [
        feed_triggers(SQLITE_FEED, POSTGRES, POSTGRES_REVERSE),
        APPEND_ONLY.operation(),
    ]
