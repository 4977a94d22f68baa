"""The database refuses a payment order that does not pay what a decision in force
owes (issue 13):

* a new order (not a re-issue) pays a share of its own decision, which is issued and
  not superseded; a first decision's share is paid in full, a changed decision's share
  exactly the ``to_pay`` of its offset (avräkning), which must exist;
* a re-issue pays the same share and amount as a rejected or returned order;
* an order's payee, account, amount and references never change afterwards: only its
  status (and the bank's reason and time) moves.

Together with the unique constraint "one live order per share" this keeps a changed
decision from being paid in full on top of what the earlier one paid.  On PostgreSQL
the check runs once per statement over the inserted rows (COPY of a whole batch stays
one set-based query); on SQLite once per row."""

from django.db import migrations

MESSAGE = "payment order does not match what a decision in force owes"
REISSUE_MESSAGE = "a re-issued payment must repeat a rejected or returned order"
PAYS_WHAT_IS_OWED = """s.id = {n}.share_id AND s.decision_id = {n}.decision_id AND d.id = s.decision_id
    AND d.status = 'issued' AND d.superseded_at IS NULL
    AND ((d.supersedes_id IS NULL AND {n}.amount = s.amount)
         OR (d.supersedes_id IS NOT NULL AND o.id IS NOT NULL AND {n}.amount = o.to_pay))"""
REPEATS_A_FAILED = """r.id = {n}.reissue_of_id AND r.share_id = {n}.share_id AND r.amount = {n}.amount
    AND r.status IN ('rejected', 'returned')"""

FIXED = ("run_id", "share_id", "decision_id", "person_id", "payee_name", "iban", "clearing", "account",
         "bankgiro", "amount", "remittance", "end_to_end_id", "reissue_of_id", "created_at")
CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED)
CHANGED_PG = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
FIXED_MESSAGE = "a payment order only changes status"

SQLITE = [
    f"""CREATE TRIGGER payments_order_fixed BEFORE UPDATE ON payments_paymentorder WHEN {CHANGED}
        BEGIN SELECT RAISE(ABORT, '{FIXED_MESSAGE}'); END;""",
    f"""CREATE TRIGGER payments_order_guard BEFORE INSERT ON payments_paymentorder
        WHEN NEW.reissue_of_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM cases_decisionshare s JOIN cases_decision d ON d.id = s.decision_id
            LEFT JOIN payments_paymentoffset o ON o.share_id = s.id
            WHERE {PAYS_WHAT_IS_OWED.format(n="NEW")})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER payments_reissue_guard BEFORE INSERT ON payments_paymentorder
        WHEN NEW.reissue_of_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM payments_paymentorder r WHERE {REPEATS_A_FAILED.format(n="NEW")})
        BEGIN SELECT RAISE(ABORT, '{REISSUE_MESSAGE}'); END;""",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION payments_order_fixed() RETURNS trigger AS $$
        BEGIN
          IF {CHANGED_PG} THEN RAISE EXCEPTION '{FIXED_MESSAGE}' USING ERRCODE = 'check_violation'; END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER payments_order_fixed BEFORE UPDATE ON payments_paymentorder
       FOR EACH ROW EXECUTE FUNCTION payments_order_fixed();""",
    f"""CREATE OR REPLACE FUNCTION payments_order_guard() RETURNS trigger AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM new_orders n WHERE n.reissue_of_id IS NULL AND NOT EXISTS (
                SELECT 1 FROM cases_decisionshare s JOIN cases_decision d ON d.id = s.decision_id
                LEFT JOIN payments_paymentoffset o ON o.share_id = s.id
                WHERE {PAYS_WHAT_IS_OWED.format(n="n")})) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
          END IF;
          IF EXISTS (SELECT 1 FROM new_orders n WHERE n.reissue_of_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM payments_paymentorder r WHERE {REPEATS_A_FAILED.format(n="n")})) THEN
            RAISE EXCEPTION '{REISSUE_MESSAGE}' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NULL;
        END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER payments_order_guard AFTER INSERT ON payments_paymentorder
       REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION payments_order_guard();""",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER payments_order_guard;", "DROP TRIGGER payments_reissue_guard;",
               "DROP TRIGGER payments_order_fixed;"],
    "postgresql": ["DROP TRIGGER payments_order_guard ON payments_paymentorder;",
                   "DROP FUNCTION payments_order_guard();",
                   "DROP TRIGGER payments_order_fixed ON payments_paymentorder;",
                   "DROP FUNCTION payments_order_fixed();"],
}


def forwards(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_decision_offsets")]
    operations = [migrations.RunPython(forwards, backwards)]
