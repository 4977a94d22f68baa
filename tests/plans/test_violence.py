"""Issue 17, part 6: when the answer to the question about violence is yes.  The FREDA risk
assessment and the record of an orosanmälan (append-only, corrections as new rows), the
guidance page for the unit's staff only, and the privacy of it all: the log rows are about
her alone, the other adult (and the e-service) never sees any of it."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.audit.selectors import access_log_search
from lika.plans import services, services_violence
from lika.plans.models import ChildConcernReport, RiskAssessment, ViolenceScreening
from tests.cases.factories import couple_case, single_case
from tests.eservice.conftest import resident_client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HELD = TODAY - timedelta(days=2)
SECRET = "Hon beskriver hot med kniv i köket"  # the summary: must never leak
ACTIONS = "Säkerhetsplan upprättad, kontakt med kvinnojouren"


@pytest.fixture
def couple(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, case_worker=alice)
    return {"case": case, "woman": woman, "man": man, "kids": kids}


def _meeting(user, case, person, answer="yes"):
    return services.meeting_create(acting_user=user, case=case, held_on=HELD, kind="individual",
                                   participants=[person], screening_answer=answer, support_offered=True)


@pytest.fixture
def yes(alice, couple):
    """Sara said yes in her individual meeting."""
    return _meeting(alice, couple["case"], couple["woman"]).screening


def _assess(user, screening, **change):
    kwargs = {"assessed_on": TODAY, "instruments": ["kortfragor", "farlighet"], "risk_level": "high",
              "summary": SECRET, "protective_actions": ACTIONS, **change}
    return services_violence.risk_assessment_record(acting_user=user, screening=screening, **kwargs)


def _report(user, screening, **change):
    kwargs = {"outcome": "made", "reported_on": TODAY, **change}
    return services_violence.child_report_record(acting_user=user, screening=screening, **kwargs)


# --- services -------------------------------------------------------------------------------

def test_a_risk_assessment_is_recorded_with_what_freda_asks_for(alice, yes):
    row = _assess(alice, yes)
    row.refresh_from_db()
    assert (row.screening, row.assessed_on, row.risk_level, row.summary, row.protective_actions) == (
        yes, TODAY, "high", SECRET, ACTIONS)
    assert row.instruments == ["kortfragor", "farlighet"]
    assert row.created_by == alice and row.supersedes is None


def test_the_unit_manager_may_record_too(bob, yes):
    assert _assess(bob, yes, risk_level="not_assessed", instruments=[], protective_actions="",
                   not_assessed_reason="Hon ville vänta till nästa samtal").risk_level == "not_assessed"


@pytest.mark.parametrize(("change", "field"), [
    ({"risk_level": "medium", "protective_actions": ""}, "protective_actions"),
    ({"instruments": ["kortfragor"]}, "instruments"),
    ({"risk_level": "not_assessed", "protective_actions": ""}, "not_assessed_reason"),
    ({"summary": ""}, "summary"),
    ({"assessed_on": TODAY + timedelta(days=1)}, "assessed_on"),
    ({"assessed_on": HELD - timedelta(days=1)}, "assessed_on"),
    ({"instruments": ["other"], "other_method": "x" * 101}, "other_method"),
    ({"risk_level": "not_assessed", "not_assessed_reason": "x" * 301}, "not_assessed_reason"),
])
def test_an_incomplete_assessment_is_refused_with_a_swedish_message(alice, yes, change, field):
    with pytest.raises(ValidationError) as refused:
        _assess(alice, yes, **change)
    assert field in refused.value.error_dict
    assert RiskAssessment.objects.count() == 0


def test_a_correction_is_a_new_row_and_the_first_stays(alice, bob, yes):
    first = _assess(alice, yes)
    corrected = _assess(bob, yes, risk_level="medium", summary="Rättad: hotet var för ett år sedan",
                        supersedes_id=first.pk)
    first.refresh_from_db()
    assert first.summary == SECRET and first.risk_level == "high"
    assert corrected.supersedes == first
    guidance = services_violence.guidance(yes)
    assert guidance.assessments == [corrected] and guidance.assessments[0].earlier == [first]
    with pytest.raises(ValidationError, match="redan rättad"):
        _assess(alice, yes, supersedes_id=first.pk)


def test_a_correction_must_be_of_this_screenings_assessment(alice, couple, yes):
    other = _meeting(alice, couple["case"], couple["woman"]).screening
    row = _assess(alice, other)
    with pytest.raises(ValidationError, match="finns inte"):
        _assess(alice, yes, supersedes_id=row.pk)


@pytest.mark.parametrize("answer", ["no", "declined", "not_asked"])
def test_nothing_is_recorded_unless_the_answer_was_yes(alice, couple, answer):
    screening = _meeting(alice, couple["case"], couple["woman"], answer=answer).screening
    with pytest.raises(PermissionDenied):
        _assess(alice, screening)
    with pytest.raises(PermissionDenied):
        _report(alice, screening)
    assert services_violence.yes_screening(couple["case"], screening.pk) is None


def test_another_units_staff_are_refused(charlie, yes):
    with pytest.raises(PermissionDenied):
        _assess(charlie, yes)
    with pytest.raises(PermissionDenied):
        _report(charlie, yes)
    assert RiskAssessment.objects.count() == ChildConcernReport.objects.count() == 0


def test_an_analyst_is_refused(stina, yes):
    with pytest.raises(PermissionDenied):
        _assess(stina, yes)


def test_an_orosanmalan_is_recorded_once_and_corrected_as_a_new_row(alice, yes):
    made = _report(alice, yes)
    with pytest.raises(ValidationError, match="finns redan"):
        _report(alice, yes, outcome="not_made", reported_on=None, reason="Skolan har anmält")
    corrected = _report(alice, yes, reported_on=HELD, supersedes_id=made.pk)
    with pytest.raises(ValidationError, match="ändrats av någon annan"):
        _report(alice, yes, supersedes_id=made.pk)  # no longer the current row
    assert services_violence.guidance(yes).child_report == corrected
    assert services_violence.guidance(yes).child_report_history == [made]


@pytest.mark.parametrize(("change", "field"), [
    ({"reported_on": None}, "reported_on"),
    ({"outcome": "not_made", "reported_on": None}, "reason"),
    ({"outcome": "not_made", "reported_on": None, "reason": "x" * 301}, "reason"),
    ({"outcome": "perhaps"}, "outcome"),
])
def test_an_orosanmalan_needs_a_date_or_a_reason(alice, yes, change, field):
    with pytest.raises(ValidationError) as refused:
        _report(alice, yes, **change)
    assert field in refused.value.error_dict


def test_a_household_without_children_has_no_orosanmalan_step(unit_a, alice):
    case, eva = single_case(unit_a, case_worker=alice)
    screening = _meeting(alice, case, eva).screening
    assert services_violence.guidance(screening).steps == ["risk", "support"]
    with pytest.raises(ValidationError, match="inga barn"):
        _report(alice, screening)


def test_the_guidance_for_a_couple_with_children_has_every_step(alice, couple, yes):
    guidance = services_violence.guidance(yes)
    assert guidance.steps == ["risk", "payment", "children", "support"]
    assert guidance.other_adults == [couple["man"]] and len(guidance.children) == 2
    assert guidance.contacts and "020-50 50 50" in guidance.contacts[0][1]


# --- the database keeps the rows -----------------------------------------------------------

def test_the_rows_cannot_be_changed_or_deleted_in_the_database(alice, yes):
    assessment, report = _assess(alice, yes), _report(alice, yes)
    for model, row in ((RiskAssessment, assessment), (ChildConcernReport, report)):
        rows = model.objects.filter(pk=row.pk)
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            rows.update(created_at=timezone.now())
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            rows.delete()
    assert RiskAssessment.objects.get().summary == SECRET


@pytest.mark.parametrize("fields", [
    {"risk_level": "high", "used_farlighet": False},  # a level without a risk instrument
    {"risk_level": "not_assessed", "not_assessed_reason": ""},
    {"risk_level": "low", "not_assessed_reason": "varför"},
    {"risk_level": "unknown"},
    {"summary": ""},
])
def test_the_database_refuses_an_inconsistent_assessment(alice, yes, fields):
    row = {"screening": yes, "assessed_on": TODAY, "used_farlighet": True, "risk_level": "low",
           "summary": "s", "created_by": alice, **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAssessment.objects.create(**row)


@pytest.mark.parametrize("fields", [
    {"outcome": "made", "reported_on": None},
    {"outcome": "not_made", "reported_on": None, "reason": ""},
    {"outcome": "not_made", "reported_on": TODAY, "reason": "x"},
])
def test_the_database_refuses_an_inconsistent_orosanmalan(alice, yes, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildConcernReport.objects.create(screening=yes, created_by=alice, **fields)


def test_the_database_allows_one_first_orosanmalan_per_screening(alice, yes):
    ChildConcernReport.objects.create(screening=yes, created_by=alice, outcome="made", reported_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildConcernReport.objects.create(screening=yes, created_by=alice, outcome="made", reported_on=TODAY)


# --- the access log: about her alone --------------------------------------------------------

def test_the_log_rows_are_about_her_alone_and_hold_no_answer(client, alice, couple, yes):
    _assess(alice, yes)
    _report(alice, yes)
    client.force_login(alice)
    client.get(reverse("violence_guidance", kwargs={"case_id": couple["case"].pk, "screening_id": yes.pk}))
    rows = list(AccessLogEntry.objects.filter(
        object_type__in=["risk_assessment", "child_concern_report", "violence_guidance"]).order_by("id"))
    assert [(r.object_type, r.action) for r in rows] == [
        ("risk_assessment", "create"), ("child_concern_report", "create"), ("violence_guidance", "read")]
    assert {(r.person_id, r.household_id) for r in rows} == {(couple["woman"].pk, None)}
    text = json.dumps([[r.summary, r.old_values, r.new_values] for r in AccessLogEntry.objects.all()],
                      ensure_ascii=False)
    assert SECRET not in text and ACTIONS not in text and "high" not in text and "Hög" not in text
    # the page's read leaves no row on the household (which the other adult's rows include)
    assert not AccessLogEntry.objects.filter(household_id=couple["case"].household_id,
                                             summary__icontains="våld").exclude(object_type="violencescreening")


def test_a_search_of_the_other_adults_log_does_not_show_the_rows(client, alice, bob, couple, yes):
    _assess(alice, yes)
    client.force_login(alice)
    client.get(reverse("violence_guidance", kwargs={"case_id": couple["case"].pk, "screening_id": yes.pk}))
    his = access_log_search(user=bob, identity_number=couple["man"].identity_number)
    hers = access_log_search(user=bob, identity_number=couple["woman"].identity_number)
    kinds = {"risk_assessment", "violence_guidance"}
    assert not his.filter(object_type__in=kinds).exists()
    assert set(hers.filter(object_type__in=kinds).values_list("object_type", flat=True)) == kinds


# --- the pages ------------------------------------------------------------------------------

def _url(case, screening):
    return reverse("violence_guidance", kwargs={"case_id": case.pk, "screening_id": screening.pk})


def test_saving_a_meeting_answered_yes_leads_to_the_guidance(client, alice, couple):
    client.force_login(alice)
    response = client.post(reverse("meeting_new", kwargs={"case_id": couple["case"].pk}), {
        "held_on": HELD.isoformat(), "kind": "individual", "participants": [couple["woman"].pk],
        "screening_answer": "yes", "support_offered": "on"})
    screening = ViolenceScreening.objects.get()
    assert response.status_code == 302 and response.url == _url(couple["case"], screening)


def test_saving_a_meeting_answered_no_leads_to_the_meeting(client, alice, couple):
    client.force_login(alice)
    response = client.post(reverse("meeting_new", kwargs={"case_id": couple["case"].pk}), {
        "held_on": HELD.isoformat(), "kind": "individual", "participants": [couple["woman"].pk],
        "screening_answer": "no"})
    meeting = ViolenceScreening.objects.get().meeting
    assert response.url == reverse("meeting_detail", kwargs={"case_id": couple["case"].pk, "meeting_id": meeting.pk})


def test_the_guidance_page_shows_the_steps(client, alice, couple, yes):
    client.force_login(alice)
    html = client.get(_url(couple["case"], yes)).content.decode()
    assert "Riskbedömning enligt FREDA" in html and "socialstyrelsen.se" in html
    assert "14 kap. 1 §" in html and "2025:400" in html and "inte kontrollerad" in html
    assert "020-50 50 50" in html
    exception = reverse("exception_new", kwargs={"case_id": couple["case"].pk})
    assert f'{exception}?mottagare={couple["woman"].pk}&amp;skal=violence_protection' in html


def test_the_payment_exception_form_is_prefilled_for_her(client, alice, couple):
    client.force_login(alice)
    url = reverse("exception_new", kwargs={"case_id": couple["case"].pk})
    form = client.get(url, {"mottagare": couple["woman"].pk, "skal": "violence_protection"}).context["form"]
    assert form.initial["recipient"] == couple["woman"].pk and form.initial["reason"] == "violence_protection"
    form = client.get(url, {"mottagare": "999999", "skal": "nonsense"}).context["form"]
    assert "recipient" not in form.initial and "reason" not in form.initial


def test_posting_an_assessment_and_a_report_on_the_page(client, alice, couple, yes):
    client.force_login(alice)
    url = _url(couple["case"], yes)
    response = client.post(url, {"action": "assessment", "assessment-assessed_on": TODAY.isoformat(),
                                 "assessment-instruments": ["farlighet"], "assessment-risk_level": "medium",
                                 "assessment-summary": SECRET})
    assert response.status_code == 400
    assert "skyddsåtgärder" in response.content.decode()
    response = client.post(url, {"action": "assessment", "assessment-assessed_on": TODAY.isoformat(),
                                 "assessment-instruments": ["farlighet"], "assessment-risk_level": "medium",
                                 "assessment-summary": SECRET, "assessment-protective_actions": ACTIONS})
    assert response.status_code == 302 and RiskAssessment.objects.get().risk_level == "medium"
    first = RiskAssessment.objects.get()
    page = client.get(url, {"ratta": first.pk}).content.decode()
    assert f'name="assessment-supersedes" value="{first.pk}"' in page
    response = client.post(url, {"action": "assessment", "assessment-assessed_on": TODAY.isoformat(),
                                 "assessment-instruments": ["farlighet"], "assessment-risk_level": "low",
                                 "assessment-summary": "Rättad", "assessment-supersedes": first.pk})
    assert response.status_code == 302 and RiskAssessment.objects.filter(supersedes=first).exists()
    response = client.post(url, {"action": "child_report", "report-outcome": "not_made",
                                 "report-reason": "Skolan anmälde i förra veckan"})
    assert response.status_code == 302 and ChildConcernReport.objects.get().outcome == "not_made"


def test_the_meeting_page_shows_the_status_and_links_to_the_guidance(client, alice, couple, yes):
    _assess(alice, yes)
    client.force_login(alice)
    html = client.get(reverse("meeting_detail", kwargs={"case_id": couple["case"].pk,
                                                        "meeting_id": yes.meeting_id})).content.decode()
    assert "Hög risk" in html and _url(couple["case"], yes) in html
    assert "Inte registrerad" in html  # the orosanmälan


@pytest.mark.parametrize("user", ["alice", "bob"])
def test_the_units_staff_see_the_page(client, request, couple, yes, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(_url(couple["case"], yes)).status_code == 200


@pytest.mark.parametrize("user", ["charlie", "stina", "petra", "admin_user"])
def test_nobody_else_sees_the_page(client, request, couple, yes, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(_url(couple["case"], yes))
    assert response.status_code in (403, 404)
    response = client.post(_url(couple["case"], yes), {"action": "child_report", "report-outcome": "made",
                                                       "report-reported_on": TODAY.isoformat()})
    assert response.status_code in (403, 404) and not ChildConcernReport.objects.exists()


def test_a_screening_answered_no_or_of_another_case_has_no_page(client, unit_a, alice, couple, yes):
    no = _meeting(alice, couple["case"], couple["man"], answer="no").screening
    other_case, _adult = single_case(unit_a, case_worker=alice)
    client.force_login(alice)
    assert client.get(_url(couple["case"], no)).status_code == 404
    assert client.get(_url(other_case, yes)).status_code == 404


# --- never to the other adult, never in the e-service ---------------------------------------

ESERVICE_PAGES = ["eservice_home", "eservice_meetings", "eservice_plan", "eservice_messages",
                  "eservice_messages_private", "eservice_applications", "eservice_payments", "eservice_account"]


@pytest.mark.parametrize("who", ["man", "woman"])
def test_no_eservice_page_shows_any_of_it(alice, couple, yes, who):
    _assess(alice, yes)
    _report(alice, yes)
    client = resident_client(couple[who])
    for name in ESERVICE_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        for word in (SECRET, ACTIONS, "FREDA", "Riskbedömning", "riskbedömning", "orosanmälan", "Orosanmälan",
                     "Hög risk"):
            assert word not in html, (name, word)


def test_only_the_guidance_reads_the_rows():
    """No module of the e-service, the letters, the statistics or the lists reads them: the
    names of the models and their tables appear only in the plans app's own modules."""
    root = Path(__file__).resolve().parents[2] / "lika"
    allowed = {"plans/models.py", "plans/models_violence.py", "plans/services_violence.py", "plans/views_violence.py",
               "plans/forms_violence.py", "audit/runtime_role.py", "core/violence.py"}
    readers = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("plans/migrations/") or relative in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        if any(name in text for name in ("RiskAssessment", "ChildConcernReport", "models_violence",
                                         "services_violence", "risk_assessments", "child_reports")):
            readers.append(relative)
    assert readers == ["plans/views.py"]  # the meeting page's status, through services_violence
