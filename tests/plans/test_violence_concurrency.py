"""Issue 17, part 6: two staff members record at the same moment, on PostgreSQL with real
threads released together.  Two corrections of one risk assessment, or two first records of
an orosanmälan: one wins, the other gets a Swedish message; the chain of versions never
forks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from lika.accounts.models import User
from lika.plans import services, services_violence
from lika.plans.models import ChildConcernReport, RiskAssessment, ViolenceScreening
from tests import threads
from tests.cases.factories import couple_case

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="threads share one in-memory SQLite; SQLite writers are serialised by IMMEDIATE"),
    pytest.mark.django_db(transaction=True),
]

TODAY = timezone.localdate()


@pytest.fixture
def yes(unit_a, alice):
    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    meeting = services.meeting_create(acting_user=alice, case=case, held_on=TODAY - timedelta(days=1),
                                      kind="individual", participants=[woman], screening_answer="yes")
    return meeting.screening


@pytest.fixture(autouse=True)
def _slow_checks(monkeypatch):
    """Wait inside the transaction after reading what is there, so that without the lock on
    the screening both writers would read before either writes (the unique constraints then
    still refuse the second: IntegrityError becomes the same Swedish message)."""
    import time as clock

    locked = services_violence._locked

    def slow(screening):
        row = locked(screening)
        clock.sleep(0.3)
        return row

    monkeypatch.setattr(services_violence, "_locked", slow)


def _correct(user_id, screening_id, supersedes_id, level):
    return lambda: services_violence.risk_assessment_record(
        acting_user=User.objects.get(pk=user_id), screening=ViolenceScreening.objects.get(pk=screening_id),
        assessed_on=TODAY, instruments=["farlighet"], risk_level=level, summary=f"Rättad till {level}",
        protective_actions="Säkerhetsplan", supersedes_id=supersedes_id)


def _report(user_id, screening_id, outcome):
    return lambda: services_violence.child_report_record(
        acting_user=User.objects.get(pk=user_id), screening=ViolenceScreening.objects.get(pk=screening_id),
        outcome=outcome, reported_on=TODAY if outcome == "made" else None,
        reason="" if outcome == "made" else "Redan anmält av skolan")


def test_two_corrections_of_one_assessment_at_once_do_not_fork(alice, bob, yes):
    first = services_violence.risk_assessment_record(
        acting_user=alice, screening=yes, assessed_on=TODAY, instruments=["farlighet"], risk_level="low",
        summary="Första bedömningen")
    results = threads.race(_correct(alice.pk, yes.pk, first.pk, "medium"), _correct(bob.pk, yes.pk, first.pk, "high"),
                           expected=(ValidationError, PermissionDenied))
    won = [r for r in results if isinstance(r, RiskAssessment)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1
    assert "redan rättad" in lost[0].messages[0]
    assert RiskAssessment.objects.filter(supersedes=first).count() == 1


def test_two_first_records_of_an_orosanmalan_at_once(alice, bob, yes):
    results = threads.race(_report(alice.pk, yes.pk, "made"), _report(bob.pk, yes.pk, "not_made"),
                           expected=(ValidationError, PermissionDenied))
    won = [r for r in results if isinstance(r, ChildConcernReport)]
    assert len(won) == 1
    assert ChildConcernReport.objects.count() == 1
    lost = next(r for r in results if isinstance(r, ValidationError))
    assert "finns redan" in lost.messages[0] or "ändrats av någon annan" in lost.messages[0]
