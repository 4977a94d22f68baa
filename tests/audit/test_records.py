"""Records are append-only in the database itself (issue 13), on SQLite and PostgreSQL:
the access log, issued and cancelled decisions with their lines and shares, the stored
letters, signed journal notes and calculation snapshots refuse every change the rules
do not allow — through raw SQL, through QuerySet.update()/delete() (which skip the
models' save() guards), through INSERT OR REPLACE and upserts — while the changes the
services make (issuing a draft, superseding, the letter set once, delivery) still work.

Each forbidden change is generated from the model's own fields, so a field added later
without its trigger being updated makes a test here fail."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from lika.accounts.models import User
from lika.audit.models import AccessLogEntry, AppendOnlyError
from lika.audit.services import READ, access_log_write
from lika.cases.models import (
    Application,
    Case,
    CaseCalculation,
    Decision,
    DecisionLine,
    DecisionRecipient,
    DecisionShare,
    ImmutableError,
    JournalNote,
    PaymentException,
)
from lika.households.models import Person
from lika.norms.models import NormTableVersion
from tests.cases.factories import couple_case

pytestmark = pytest.mark.django_db
REFUSED = r"refused|append-only"
NOW = timezone.now().replace(microsecond=0)


@dataclass
class Records:
    log: AccessLogEntry
    note: JournalNote
    calculation: CaseCalculation  # current (superseded_at NULL)
    old_calculation: CaseCalculation  # superseded
    issued: Decision  # current
    superseded: Decision  # issued, superseded
    cancelled: Decision
    draft: Decision
    recipient: DecisionRecipient  # its letter is stored
    fresh_recipient: DecisionRecipient  # no letter yet
    candidates: dict

    def line(self, name):
        return getattr(self, name).lines.get()

    def share(self, name):
        return getattr(self, name).shares.get()


def _decision(application, calculation, who, person, *, status, superseded=False):
    """A decision made as the services make it: a draft with a line and a share, then issued
    (or cancelled) — the transitions the database allows."""
    decision = Decision.objects.create(application=application, calculation=calculation, applied_amount=150000,
                                       granted_amount=150000, prepared_by=who)
    DecisionLine.objects.create(decision=decision, position=0, kind="personal", rule="riksnorm", label="Riksnorm",
                                applied_amount=150000, granted_amount=150000, outcome="granted")
    DecisionShare.objects.create(decision=decision, person=person, amount=150000, rule="equal_split")
    if status == Decision.Status.ISSUED:
        Decision.objects.filter(pk=decision.pk).update(status=status, decided_by=who, decided_at=NOW,
                                                       superseded_at=NOW if superseded else None)
    elif status == Decision.Status.CANCELLED:
        Decision.objects.filter(pk=decision.pk).update(status=status, superseded_at=NOW,
                                                       cancel_reason="Återkallat av handläggaren")
    decision.refresh_from_db()
    return decision


@pytest.fixture
def records(unit_a, alice, bob):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    other_case, *_rest = couple_case(unit_a, case_worker=alice)
    norm = NormTableVersion.objects.filter(year=2026).latest("version")
    other_norm = NormTableVersion.objects.filter(year=2025).latest("version")
    december = Application.objects.create(case=case, month=date(2026, 12, 1), applicant=woman, created_by=alice)
    november = Application.objects.create(case=case, month=date(2026, 11, 1), applicant=woman, created_by=alice)

    def calculation(application, **extra):
        return CaseCalculation.objects.create(application=application, norm_table=norm, input={"people": 2},
                                              members=[woman.pk, man.pk], result={"lines": []}, support=150000,
                                              created_by=alice, **extra)

    current, other = calculation(december), calculation(november)
    old = calculation(november, superseded_at=NOW)
    exception = PaymentException.objects.create(case=case, recipient=woman, reason="other", reason_text="Fiktivt",
                                                valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31),
                                                requested_by=alice)
    issued = _decision(december, current, alice, woman, status="issued")
    superseded = _decision(november, other, alice, woman, status="issued", superseded=True)
    cancelled = _decision(december, current, alice, woman, status="cancelled")
    draft = _decision(december, current, alice, woman, status="draft")
    recipient = DecisionRecipient.objects.create(decision=issued, person=woman)
    fresh = DecisionRecipient.objects.create(decision=issued, person=man)
    # the letter is fixed at issue, the PDF stored when first fetched: each set once
    DecisionRecipient.objects.filter(pk=recipient.pk).update(letter_html="<p>Beslut</p>")
    DecisionRecipient.objects.filter(pk=recipient.pk, letter__isnull=True).update(
        letter=b"%PDF-1.7 fiktiv", letter_sha256="a" * 64, letter_created_at=NOW)
    recipient.refresh_from_db()
    note = JournalNote.objects.create(case=case, written_by=alice, signature="Alice Andersson", text="Ringde Sara.")
    other_note = JournalNote.objects.create(case=other_case, written_by=alice, signature="Alice Andersson",
                                            text="Besök.")
    log = access_log_write(actor=alice, action=READ, object_type="person", object_id=woman.pk, person_id=woman.pk,
                           household_id=case.household_id, summary="Visade personen", old={"a": 1}, new={"b": 2})
    candidates = {Application: [december, november], CaseCalculation: [current, other], User: [alice, bob],
                  PaymentException: [exception], Decision: [draft, issued], Person: [woman, man],
                  Case: [case, other_case], JournalNote: [note, other_note], NormTableVersion: [norm, other_norm]}
    return Records(log=log, note=note, calculation=current, old_calculation=old, issued=issued,
                   superseded=superseded, cancelled=cancelled, draft=draft, recipient=recipient,
                   fresh_recipient=fresh, candidates=candidates)


def _other_value(field, current, candidates):
    """A value of the field's type that differs from ``current``."""
    if field.primary_key:
        return current + 100000
    if field.is_relation:
        return next(c.pk for c in candidates[field.related_model] if c.pk != current)
    if field.choices:
        return next(value for value, _label in field.choices if value != current)
    kind = field.get_internal_type()
    if kind in ("BigIntegerField", "IntegerField", "PositiveSmallIntegerField"):
        return (current or 0) + 1  # a nullable amount (a decision line's accepted_amount) may be None
    if kind == "BooleanField":
        return not current
    if kind == "DateTimeField":
        return (current or NOW) + timedelta(days=1)
    if kind == "DateField":
        return (current or date(2026, 12, 1)) + timedelta(days=1)
    if kind == "JSONField":
        return {"ändrad": True}
    if kind == "BinaryField":
        return b"%PDF-1.7 changed"
    text = current or ""
    limit = field.max_length or len(text) + 1
    return text[: limit - 1] + ("Y" if text.endswith("X") else "X")


# (what, how to get the row from Records, model, the fields that may change)
ROWS = [
    ("the access log", lambda r: r.log, AccessLogEntry, ()),
    ("a journal note", lambda r: r.note, JournalNote, ()),
    ("a current calculation", lambda r: r.calculation, CaseCalculation, ("superseded_at",)),
    ("a superseded calculation", lambda r: r.old_calculation, CaseCalculation, ()),
    ("an issued decision", lambda r: r.issued, Decision, ("superseded_at",)),
    ("a superseded decision", lambda r: r.superseded, Decision, ()),
    ("a cancelled decision", lambda r: r.cancelled, Decision, ()),
    ("a line of an issued", lambda r: r.line("issued"), DecisionLine, ()),
    ("a line of a cancelled", lambda r: r.line("cancelled"), DecisionLine, ()),
    ("a share of an issued", lambda r: r.share("issued"), DecisionShare, ()),
    ("a share of a cancelled", lambda r: r.share("cancelled"), DecisionShare, ()),
    ("a stored letter", lambda r: r.recipient, DecisionRecipient, ("channel", "delivered_on", "delivery_recorded_by")),
]
BY_NAME = {what: (row, model) for what, row, model, _allowed in ROWS}
FORBIDDEN_UPDATES = [(what, field.name) for what, _row, model, allowed in ROWS
                     for field in model._meta.concrete_fields if field.name not in allowed]


def _refused(statement):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        statement()


def _sql(sql, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return run


@pytest.mark.parametrize("via", ["orm", "sql"])
@pytest.mark.parametrize(("what", "field_name"), FORBIDDEN_UPDATES)
def test_every_column_of_a_record_refuses_to_change(records, what, field_name, via):
    row_of, model = BY_NAME[what]
    row = row_of(records)
    field = model._meta.get_field(field_name)
    before = model.objects.filter(pk=row.pk).values().get()
    new = _other_value(field, getattr(row, field.attname), records.candidates)
    if via == "orm":
        _refused(lambda: model.objects.filter(pk=row.pk).update(**{field.attname: new}))
    else:
        value = field.get_db_prep_value(new, connection, prepared=False)
        _refused(_sql(f"UPDATE {model._meta.db_table} SET {field.column} = %s WHERE id = %s", [value, row.pk]))
    assert model.objects.filter(pk=row.pk).values().get() == before


@pytest.mark.parametrize("via", ["orm", "sql"])
@pytest.mark.parametrize("what", [what for what, *_rest in ROWS])
def test_no_record_can_be_deleted(records, what, via):
    row_of, model = BY_NAME[what]
    row = row_of(records)
    if via == "sql":
        _refused(_sql(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk]))
    else:
        try:
            with transaction.atomic():
                model.objects.filter(pk=row.pk).delete()
        except ProtectedError:  # the ORM stops first (PROTECT): then its delete without the collector
            _refused(lambda: model.objects.filter(pk=row.pk)._raw_delete(connection.alias))
        except DatabaseError as exc:
            assert re.search(REFUSED, str(exc)), exc
        else:
            pytest.fail("deleted")
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("via", ["orm", "sql"])
@pytest.mark.parametrize("status", ["issued", "cancelled"])
@pytest.mark.parametrize("model", [DecisionLine, DecisionShare])
def test_an_issued_or_cancelled_decision_gets_no_new_lines_or_shares(records, model, status, via):
    decision = getattr(records, status)
    count = model.objects.filter(decision=decision).count()
    values = ({"position": 1, "kind": "cost", "rule": "el", "label": "El", "applied_amount": 100,
               "granted_amount": 0, "outcome": "refused", "reason": "Ingår i normen"}
              if model is DecisionLine else {"direct_payee": "Bostadsbolaget", "amount": 100})
    if via == "orm":
        _refused(lambda: model.objects.create(decision=decision, **values))
    else:
        columns = ", ".join(["decision_id", *values])
        marks = ", ".join(["%s"] * (len(values) + 1))
        _refused(_sql(f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})",
                      [decision.pk, *values.values()]))
    assert model.objects.filter(decision=decision).count() == count


@pytest.mark.parametrize("what", [what for what, *_rest in ROWS])
def test_an_upsert_does_not_overwrite_a_record(records, what):
    """INSERT … ON CONFLICT DO UPDATE (both engines) is an UPDATE: refused."""
    row_of, model = BY_NAME[what]
    row = row_of(records)
    table = model._meta.db_table
    before = model.objects.filter(pk=row.pk).values().get()
    # a stored letter's delivery may change: its upsert changes the letter
    change = "letter_html = excluded.letter_html || 'X'" if model is DecisionRecipient else "id = excluded.id"
    _refused(_sql(f"INSERT INTO {table} SELECT * FROM {table} WHERE id = %s "
                  f"ON CONFLICT (id) DO UPDATE SET {change}", [row.pk]))
    assert model.objects.filter(pk=row.pk).values().get() == before


sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="INSERT OR REPLACE is SQLite's")


@sqlite_only
@pytest.mark.parametrize("what", [what for what, *_rest in ROWS])
def test_insert_or_replace_does_not_overwrite_a_record(records, what):
    row_of, model = BY_NAME[what]
    row = row_of(records)
    table = model._meta.db_table
    before = model.objects.filter(pk=row.pk).values().get()
    _refused(_sql(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = %s", [row.pk]))
    assert model.objects.filter(pk=row.pk).values().get() == before


@sqlite_only
@pytest.mark.parametrize("what", ["a current calculation", "an issued decision", "a line of an issued",
                                  "a stored letter"])
def test_insert_or_replace_on_another_unique_key_does_not_delete_a_record(records, what):
    """A new id with the same unique key (one current calculation or decision per
    application, a line's position, one letter per person): REPLACE would delete the
    record; Lika's SQLite connections fire the delete triggers (recursive_triggers)."""
    row_of, model = BY_NAME[what]
    row = row_of(records)
    table = model._meta.db_table
    columns = ", ".join(f.column for f in model._meta.concrete_fields if not f.primary_key)
    _refused(_sql(f"INSERT OR REPLACE INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE id = %s",
                  [row.pk]))
    assert model.objects.filter(pk=row.pk).exists()


# --- what still works -------------------------------------------------------------------

def test_a_draft_changes_freely_and_is_issued_or_cancelled(records, bob):
    draft = records.draft
    Decision.objects.filter(pk=draft.pk).update(granted_amount=140000)
    DecisionLine.objects.filter(decision=draft).update(granted_amount=140000, outcome="partly", reason="Delvis")
    DecisionShare.objects.filter(decision=draft).update(amount=140000)
    DecisionLine.objects.create(decision=draft, position=1, kind="cost", rule="el", label="El", applied_amount=100,
                                granted_amount=0, outcome="refused", reason="Ingår i normen")
    DecisionLine.objects.filter(decision=draft, position=1).delete()
    Decision.objects.filter(pk=draft.pk).update(status="awaiting_approval")
    # the current issued decision is superseded, then the draft is issued by the enhetschef
    Decision.objects.filter(pk=records.issued.pk).update(superseded_at=NOW)
    Decision.objects.filter(pk=draft.pk).update(status="issued", decided_by=bob, decided_at=NOW,
                                                supersedes=records.issued, change_reason="Ny hyra")
    assert Decision.objects.get(pk=draft.pk).status == "issued"


def test_a_proposal_is_cancelled_or_discarded_with_its_lines_and_shares(records, alice):
    draft = records.draft
    Decision.objects.filter(pk=draft.pk).update(status="cancelled", superseded_at=NOW, cancel_reason="Återkallat")
    assert Decision.objects.get(pk=draft.pk).status == "cancelled"
    again = _decision(draft.application, draft.calculation, alice, records.candidates[Person][0], status="draft")
    again.delete()  # a proposal that was never issued is not a record
    assert not Decision.objects.filter(pk=again.pk).exists()
    assert not DecisionLine.objects.filter(decision_id=again.pk).exists()


def test_an_issued_decision_and_a_calculation_get_superseded_once(records):
    issued, calculation = records.issued, records.calculation
    issued.superseded_at = NOW
    issued.save(update_fields=["superseded_at"])
    calculation.superseded_at = NOW
    calculation.save(update_fields=["superseded_at"])
    assert Decision.objects.get(pk=issued.pk).superseded_at == NOW
    assert CaseCalculation.objects.get(pk=calculation.pk).superseded_at == NOW
    _refused(lambda: Decision.objects.filter(pk=issued.pk).update(superseded_at=None))
    _refused(lambda: CaseCalculation.objects.filter(pk=calculation.pk).update(superseded_at=NOW + timedelta(1)))


def test_a_letter_is_stored_once_and_its_delivery_recorded(records, alice, bob):
    fresh = records.fresh_recipient
    DecisionRecipient.objects.filter(pk=fresh.pk).update(letter_html="<p>Beslut till Johan</p>")
    DecisionRecipient.objects.filter(pk=fresh.pk, letter__isnull=True).update(
        letter=b"%PDF-1.7 Johan", letter_sha256="b" * 64, letter_created_at=NOW)
    for who, channel in ((alice, "post"), (bob, "e_service")):  # a correction of the delivery is allowed
        DecisionRecipient.objects.filter(pk=fresh.pk).update(channel=channel, delivered_on=date(2026, 12, 2),
                                                             delivery_recorded_by=who)
    fresh.refresh_from_db()
    assert (bytes(fresh.letter), fresh.channel) == (b"%PDF-1.7 Johan", "e_service")
    _refused(lambda: DecisionRecipient.objects.filter(pk=fresh.pk).update(letter_html=""))


def test_new_records_are_still_written(records, alice):
    note = JournalNote.objects.create(case=records.note.case, written_by=alice, signature="Alice Andersson",
                                      text="Rättelse.", corrects=records.note)
    entry = access_log_write(actor=alice, action=READ, object_type="journal", object_id=note.pk)
    assert JournalNote.objects.filter(pk=note.pk).exists() and AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_models_refuse_too(records):
    with pytest.raises(ImmutableError):
        records.note.save()
    with pytest.raises(ImmutableError):
        records.calculation.save()
    with pytest.raises(AppendOnlyError):
        records.log.delete()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="on PostgreSQL the command runs")
def test_the_runtime_role_command_says_it_is_for_postgresql_only():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="inte PostgreSQL") as refused:
        call_command("db_grant_runtime", "lika_app")
    assert refused.value.returncode == 2 and "\n" not in str(refused.value)


# --- PostgreSQL: TRUNCATE ----------------------------------------------------------------

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only (TRUNCATE, row locks)")
TABLES = ["audit_accesslogentry", "cases_decision", "cases_decisionline", "cases_decisionshare",
          "cases_decisionrecipient", "cases_journalnote", "cases_casecalculation"]


@postgresql_only
@pytest.mark.parametrize("table", TABLES)
def test_even_the_owner_cannot_truncate_a_record_table(records, table):
    count = _count(table)
    _refused(_truncate(f"TRUNCATE {table} CASCADE"))
    assert _count(table) == count > 0


@postgresql_only
def test_a_cascading_truncate_of_another_table_is_refused(records):
    _refused(_truncate("TRUNCATE households_person CASCADE"))
    assert _count("cases_decision") and _count("households_person")


def _truncate(sql):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's deferred foreign-key checks
            cursor.execute(sql)
    return run


def _count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_line_cannot_slip_into_a_decision_while_it_is_issued(records):
    """Two transactions: one issues the draft, the other adds a line to it at the same
    moment.  The line's trigger waits (FOR SHARE on the decision) until the issuing
    commits and then sees 'issued': refused.  Without the lock it would read 'draft'
    and the issued decision would get a line after the fact."""
    import threading

    import psycopg

    settings = connection.settings_dict
    draft = records.draft

    def connect():
        return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                               user=settings["USER"] or "postgres", dbname=settings["NAME"])

    outcome = {}
    with connect() as issuing, connect() as adding:
        issuing.execute("UPDATE cases_decision SET superseded_at = now() WHERE id = %s", [records.issued.pk])
        issuing.execute("UPDATE cases_decision SET status = 'issued', decided_at = now() WHERE id = %s", [draft.pk])
        adding_pid = adding.info.backend_pid

        def add_line():
            try:
                adding.execute("INSERT INTO cases_decisionline (decision_id, position, kind, rule, label, "
                               "applied_amount, granted_amount, outcome, reason, legal_basis) "
                               "VALUES (%s, 7, 'cost', 'el', 'El', 100, 100, 'granted', '', '')", [draft.pk])
                adding.commit()
                outcome["result"] = "added"
            except psycopg.Error as exc:
                adding.rollback()
                outcome["result"] = exc

        worker = threading.Thread(target=add_line)
        worker.start()
        # the insert is waiting for the issuing transaction's row lock (observed, not timed)
        with connect() as watch:
            watch.autocommit = True
            for _attempt in range(6000):
                waiting = watch.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                                        [adding_pid]).fetchone()
                if (waiting and waiting[0]) or not worker.is_alive():
                    break
                watch.execute("SELECT pg_sleep(0.01)")
        issuing.commit()
        worker.join(timeout=60)
    assert isinstance(outcome["result"], psycopg.Error) and "refused" in str(outcome["result"]), outcome
    assert not DecisionLine.objects.filter(decision=draft, position=7).exists()
