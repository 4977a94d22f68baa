"""Issue 18: `lika integrity-check` (lika/audit/integrity.py) passes on a database that holds
Lika's guarantees, names each guarantee that is broken — a dropped trigger, a dropped unique
index, shares that do not add up, an emptied access log, a migration not applied — and
changes nothing while it tries the triggers.  Both engines; the breakage is made inside the
test's transaction and rolled back with it.  The whole backup → restore → check on
PostgreSQL: tests/audit/test_backup_restore.py."""

import pytest
from django.core.management import call_command
from django.db import connection

from lika.audit.integrity import integrity_check
from lika.audit.models import AccessLogEntry
from lika.cases.models import Decision
from tests.audit.test_records import records  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _run(*statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def test_a_database_holding_the_guarantees_passes_and_nothing_changes(records):  # noqa: F811
    before = (AccessLogEntry.objects.count(), list(Decision.objects.order_by("pk").values()))
    assert integrity_check() == []
    assert (AccessLogEntry.objects.count(), list(Decision.objects.order_by("pk").values())) == before


PG, LITE = "postgresql", "sqlite"
DROP_LOG_TRIGGERS = {PG: ["DROP TRIGGER audit_accesslogentry_append_only ON audit_accesslogentry"],
                     LITE: ["DROP TRIGGER audit_accesslogentry_no_update", "DROP TRIGGER audit_accesslogentry_no_delete"]}
DROP_SHARE_TRIGGERS = {PG: ["DROP TRIGGER cases_decisionshare_final ON cases_decisionshare"],
                       LITE: ["DROP TRIGGER cases_decisionshare_final_update",
                              "DROP TRIGGER cases_decisionshare_final_delete"]}


@pytest.mark.parametrize(("breakage", "expected"), [
    (DROP_LOG_TRIGGERS, ["audit_accesslogentry: ingen trigger vägrar DELETE eller UPDATE",
                         "audit_accesslogentry: UPDATE av rad", "audit_accesslogentry: DELETE av rad"]),
    ({PG: ["DROP TRIGGER cases_journalnote_no_change ON cases_journalnote"],
      LITE: ["DROP TRIGGER cases_journalnote_no_delete"]},
     ["cases_journalnote: ingen trigger vägrar DELETE", "cases_journalnote: DELETE av rad"]),
    ({PG: ["DROP INDEX one_current_decision"], LITE: ["DROP INDEX one_current_decision"]},
     ["cases_decision: villkoret one_current_decision saknas i databasen"]),
    ({PG: [*DROP_SHARE_TRIGGERS[PG], "UPDATE cases_decisionshare SET amount = amount - 1"],
      LITE: [*DROP_SHARE_TRIGGERS[LITE], "UPDATE cases_decisionshare SET amount = amount - 1"]},
     ["fattade beslut där andelarna inte summerar till beviljat belopp"]),
    ({PG: [*DROP_LOG_TRIGGERS[PG], "DELETE FROM audit_accesslogentry"],
      LITE: [*DROP_LOG_TRIGGERS[LITE], "DELETE FROM audit_accesslogentry"]},
     ["åtkomstloggen är tom fast det finns ärenden"]),
    ({PG: ["DELETE FROM django_migrations WHERE app = 'audit' AND name = '0004_ops_jobrun'"],
      LITE: ["DELETE FROM django_migrations WHERE app = 'audit' AND name = '0004_ops_jobrun'"]},
     ["1 migreringar är inte körda (t.ex. audit.0004_ops_jobrun): kör lika migrate"]),
], ids=["access-log-trigger", "journal-trigger", "unique-index", "sums", "empty-access-log", "migration"])
def test_each_broken_guarantee_is_named(records, breakage, expected):  # noqa: F811
    _run(*breakage[connection.vendor])
    failures = integrity_check()
    for text in expected:
        assert any(text in line for line in failures), (text, failures)


def test_the_command_exits_2_with_one_line_per_failure(records, capsys):  # noqa: F811
    call_command("integrity_check")
    assert "Alla kontroller gick igenom" in capsys.readouterr().out
    _run("DROP INDEX one_current_decision", "DROP INDEX one_pending_decision")
    with pytest.raises(SystemExit) as caught:
        call_command("integrity_check")
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "cases_decision: villkoret one_current_decision saknas i databasen",
        "cases_decision: villkoret one_pending_decision saknas i databasen"]


def test_every_record_the_runtime_role_may_not_change_is_tried():
    from lika.audit.integrity import PROBES
    from lika.audit.runtime_role import APPEND_ONLY, UPDATE_ONLY

    assert set(APPEND_ONLY) | set(UPDATE_ONLY) <= set(PROBES)
