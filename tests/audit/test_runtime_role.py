"""PostgreSQL: the application runs as a role that does not own the tables
(docs/operations.md, "The runtime role").  ``lika db-grant-runtime`` gives it exactly the
documented privileges; connected as that role, nothing can truncate the records, disable
or drop their triggers, replace their functions, or UPDATE/DELETE the append-only tables —
while the application's ordinary work (cases, decisions, letters, journal, access log,
a payment run prepared by forked workers with COPY, the statistics) succeeds."""

import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.audit.runtime_role import runtime_grants
from lika.audit.services import READ, access_log_write
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import DecisionRecipient, JournalNote
from lika.payments import services as payments
from lika.payments.models import PaymentOrder
from lika.statistics import refresh
from tests.audit.test_records import records  # noqa: F401 (a fixture)
from tests.cases.factories import couple_case

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="roles and GRANTs are PostgreSQL's")
MONTH = date(2026, 12, 1)
RECORD_TABLES = ["audit_accesslogentry", "cases_decision", "cases_decisionline", "cases_decisionshare",
                 "cases_decisionrecipient", "cases_journalnote", "cases_casecalculation"]


@pytest.fixture(scope="session")
def runtime_role(django_db_setup, django_db_blocker):
    """A login role for this test database (roles are shared by the server: the name is
    the test database's), given the application's privileges by the command."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL only")
        role = f"{connection.settings_dict['NAME']}_app"[:63]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP ROLE IF EXISTS {role}")
            cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        call_command("db_grant_runtime", role)
    yield role
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def as_role(runtime_role):
    """A psycopg connection of its own, logged in as the runtime role."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=runtime_role,
                         dbname=settings["NAME"], autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == runtime_role
        yield conn


def _counts():
    with connection.cursor() as cursor:
        out = {}
        for table in RECORD_TABLES:
            cursor.execute(f"SELECT count(*), md5(string_agg(t::text, ',' ORDER BY id)) FROM {table} t")
            out[table] = cursor.fetchone()
        return out


NOT_OWNER, NO_PRIVILEGE, TRIGGER = "42501", "42501", "23001"
FORBIDDEN = [
    *((f"TRUNCATE {table}", NO_PRIVILEGE) for table in RECORD_TABLES),
    ("TRUNCATE households_person CASCADE", NO_PRIVILEGE),
    *((f"ALTER TABLE {table} DISABLE TRIGGER ALL", NOT_OWNER) for table in RECORD_TABLES),
    ("ALTER TABLE audit_accesslogentry DISABLE TRIGGER USER", NOT_OWNER),
    ("ALTER TABLE cases_decision DISABLE TRIGGER cases_decision_final", NOT_OWNER),
    ("DROP TRIGGER audit_accesslogentry_append_only ON audit_accesslogentry", NOT_OWNER),
    ("DROP TRIGGER cases_decision_final ON cases_decision", NOT_OWNER),
    ("DROP FUNCTION lika_records_refuse() CASCADE", NOT_OWNER),
    ("CREATE OR REPLACE FUNCTION lika_decision_guard() RETURNS trigger LANGUAGE plpgsql "
     "AS $$ BEGIN RETURN NEW; END $$", NOT_OWNER),
    ("ALTER TABLE audit_accesslogentry OWNER TO CURRENT_USER", NOT_OWNER),
    ("DROP TABLE audit_accesslogentry", NOT_OWNER),
    ("SET session_replication_role = replica", NO_PRIVILEGE),
    ("CREATE TABLE public.lika_shadow (id int)", NO_PRIVILEGE),
    ("UPDATE audit_accesslogentry SET summary = 'x'", NO_PRIVILEGE),
    ("DELETE FROM audit_accesslogentry", NO_PRIVILEGE),
    ("INSERT INTO audit_accesslogentry SELECT * FROM audit_accesslogentry "
     "ON CONFLICT (id) DO UPDATE SET summary = 'x'", NO_PRIVILEGE),
    ("UPDATE cases_journalnote SET text = 'x'", NO_PRIVILEGE),
    ("DELETE FROM cases_journalnote", NO_PRIVILEGE),
    ("UPDATE cases_casecalculation SET support = support + 1", NO_PRIVILEGE),
    ("DELETE FROM cases_casecalculation", NO_PRIVILEGE),
    ("UPDATE cases_decisionrecipient SET person_id = person_id", NO_PRIVILEGE),
    ("DELETE FROM cases_decisionrecipient", NO_PRIVILEGE),
    ("INSERT INTO django_migrations (app, name, applied) VALUES ('audit', '9999_x', now())", NO_PRIVILEGE),
    # what the privileges allow, the triggers refuse
    ("UPDATE cases_casecalculation SET superseded_at = now() WHERE superseded_at IS NOT NULL", TRIGGER),
    ("UPDATE cases_decisionrecipient SET letter_html = '' WHERE letter_html <> ''", TRIGGER),
    ("UPDATE cases_decision SET granted_amount = granted_amount + 1 WHERE status = 'issued'", TRIGGER),
    ("DELETE FROM cases_decision WHERE status IN ('issued', 'cancelled')", TRIGGER),
    ("UPDATE cases_decisionline SET granted_amount = 0 WHERE decision_id IN "
     "(SELECT id FROM cases_decision WHERE status = 'issued')", TRIGGER),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("sql", "sqlstate"), FORBIDDEN)
def test_the_runtime_role_cannot_touch_the_records(records, as_role, sql, sqlstate):  # noqa: F811
    import psycopg

    before = _counts()
    with pytest.raises(psycopg.Error) as refused:
        as_role.execute(sql)
    assert refused.value.sqlstate == sqlstate, refused.value
    assert _counts() == before


@contextmanager
def _application_as(role):
    """Django's own connection (and the forked workers' after it) logged in as ``role``."""
    connections.close_all()
    owner = connection.settings_dict["USER"]
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["USER"] = owner


@pytest.mark.django_db(transaction=True)
def test_the_application_works_as_the_runtime_role(runtime_role, unit_a, alice, petra):
    with _application_as(runtime_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == runtime_role
        case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
        application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
        services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                          costs=[services.Entry("housing", 700000)],
                                          obstacles={woman.pk: "unemployed", man.pk: "working"})
        services.calculation_make(acting_user=alice, application=application)
        calculation = services.calculation_make(acting_user=alice, application=application)  # supersedes
        application.refresh_from_db()
        rows = len(decisions.need_lines(calculation))
        decision = decisions.decision_make(acting_user=alice, application=application,
                                           lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)
        assert decision.status == "issued"
        recipient = DecisionRecipient.objects.filter(decision=decision).first()
        assert decisions.recipient_letter_pdf(recipient).startswith(b"%PDF")
        decisions.recipient_record_delivery(acting_user=alice, recipient=recipient, channel="post",
                                            delivered_on=timezone.localdate())
        services.journal_write(acting_user=alice, case=case, text="Beslutet skickat.")
        access_log_write(actor=alice, action=READ, object_type="case", object_id=case.pk)

        notices = []

        def listen(sender, connection, **kwargs):  # every connection the run opens (it reconnects)
            connection.connection.add_notice_handler(lambda notice: notices.append(notice.message_primary))

        connection_created.connect(listen)
        try:
            run = payments.payment_run_create(acting_user=petra, month=MONTH)
            run = payments.payment_run_prepare(acting_user=petra, run=run, workers=2, batch=1)  # forked, COPY
        finally:
            connection_created.disconnect(listen)
        assert run.status == "prepared" and PaymentOrder.objects.filter(run=run).count() == 2
        assert notices == [], "ANALYZE ran without a 'skipping' warning"
        with connection.cursor() as cursor:  # ANALYZE wrote the planner's row count
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'payments_paymentorder'::regclass")
            assert cursor.fetchone()[0] == 2
        refresh.refresh_year(2026)

        for forbidden in (lambda: AccessLogEntry.objects.update(summary="x"),
                          lambda: JournalNote.objects.all().delete()):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                forbidden()
    assert JournalNote.objects.filter(case=case).count() == 1


# --- the command ---------------------------------------------------------------------------

def test_the_command_applies_the_documented_statements(runtime_role):
    """docs/operations.md shows the statements for lika_app in the database lika: the same
    list the command runs."""
    text = Path(__file__).resolve().parents[2].joinpath("docs", "operations.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- db-grant-runtime -->\n```sql\n(.*?)```", text, re.S)
    assert block, "docs/operations.md has the block of GRANTs"
    assert block.group(1).strip().splitlines() == runtime_grants("lika_app", "lika")


@pytest.mark.django_db
def test_the_command_prints_the_statements(runtime_role, capsys):
    call_command("db_grant_runtime", runtime_role, "--print")
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed == runtime_grants(runtime_role, connection.settings_dict["NAME"])


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "says"), [
    ("Lika-App", "ogiltigt rollnamn"),
    ("x; DROP TABLE audit_accesslogentry", "ogiltigt rollnamn"),
    ("a" * 64, "ogiltigt rollnamn"),
    ("lika_no_such_role", "finns inte"),
    ("postgres", "superanvändare"),
])
def test_the_command_refuses_a_bad_role_with_one_line(role, says):
    with pytest.raises(CommandError, match=says) as refused:
        call_command("db_grant_runtime", role)
    assert refused.value.returncode == 2 and "\n" not in str(refused.value)


@pytest.mark.django_db
def test_the_command_refuses_a_member_of_the_owner(runtime_role):
    member = f"{runtime_role[:55]}_member"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {member} LOGIN IN ROLE {connection.settings_dict['USER'] or 'postgres'}")
    with pytest.raises(CommandError, match="äger tabellerna|superanvändare") as refused:
        call_command("db_grant_runtime", member)
    assert refused.value.returncode == 2
