"""Skälig boendekostnad in case work (issue 14): the guideline in force for the month caps
the housing cost, a new version never changes an old calculation, a documented deviation
needs a reason, and a capped cost is delvis bifall — in the services and in the database.
Runs on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.housing import housing_deviation_end, housing_deviation_record
from lika.cases.models import Decision, DecisionLine, HousingDeviation
from lika.housing.models import HousingGuideline
from lika.housing.selectors import guideline_in_force
from lika.housing.services import guideline_add
from lika.statistics import refresh
from lika.statistics.models import DecidedApplication
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)


def _rows(one_adult, two_adults, per_child=(), top=2):
    """A table: 0 children one/two adults, then 1…top children (both columns alike)."""
    rows = [[1, 0, one_adult * 100], [2, 0, two_adults * 100]]
    for children, kronor in enumerate(per_child, start=1):
        rows += [[1, children, kronor * 100], [2, children, kronor * 100]]
    return rows


# 2026-01-01: 1 vuxen 5 000, 2 vuxna 6 000, 1 barn 6 600, 2 barn or more 7 200
JANUARY = _rows(5000, 6000, (6600, 7200))


@pytest.fixture
def guideline(admin_user):
    return guideline_add(acting_user=admin_user, valid_from=date(2026, 1, 1), decision_reference="SN 2025-12-10 § 140",
                         amounts=JANUARY, note="Nämndens beslut")


@pytest.fixture
def case(unit_a, alice):
    case, _woman, _man, _kids = couple_case(unit_a, case_worker=alice)  # two adults, two children
    return case


def _adults(case):
    return [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]


def _application(case, user, rent=900000):
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=_adults(case)[0])
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", rent)],
                                      obstacles={p.pk: "unemployed" for p in _adults(case)})
    return application


def _calculate(application, user):
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application.calculations.get(superseded_at__isnull=True)


def _housing_line(calculation):
    return next(line for line in decisions.need_lines(calculation) if line["rule"].startswith("cost.housing"))


def _ore(value) -> int:
    return int(Decimal(str(value)) * 100)


# --- the guideline in force -------------------------------------------------------------

def test_the_guideline_in_force_follows_the_month(guideline, admin_user):
    july = guideline_add(acting_user=admin_user, valid_from=date(2026, 7, 1), decision_reference="SN 2026-06-10 § 80",
                         amounts=_rows(5200, 6200, (6800, 7400)), note="Ny nivå")
    correction = guideline_add(acting_user=admin_user, valid_from=date(2026, 7, 1),
                               decision_reference="SN 2026-06-10 § 80", amounts=_rows(5200, 6300, (6800, 7400)),
                               note="Rättelse: 2 vuxna")
    assert guideline_in_force(date(2025, 12, 1)) is None
    assert guideline_in_force(date(2026, 1, 1)) == guideline
    assert guideline_in_force(date(2026, 6, 1)) == guideline
    assert guideline_in_force(date(2026, 7, 1)) == correction != july
    assert guideline_in_force(date(2027, 3, 1)) == correction


def test_only_an_administrator_adds_a_version_and_the_access_log_has_it(admin_user, alice):
    with pytest.raises(PermissionDenied):
        guideline_add(acting_user=alice, valid_from=date(2026, 1, 1), decision_reference="SN", amounts=JANUARY,
                      note="x")
    for kwargs, field in [({"valid_from": date(2026, 1, 15)}, "valid_from"), ({"decision_reference": " "},
                          "decision_reference"), ({"note": ""}, "note")]:
        with pytest.raises(ValidationError) as caught:
            guideline_add(acting_user=admin_user, **{"valid_from": date(2026, 1, 1), "decision_reference": "SN",
                                                     "amounts": JANUARY, "note": "x", **kwargs})
        assert field in caught.value.error_dict
    with pytest.raises(ValidationError, match="utan luckor"):
        guideline_add(acting_user=admin_user, valid_from=date(2026, 1, 1), decision_reference="SN",
                      amounts=[[1, 0, 100], [2, 0, 100], [1, 2, 100], [2, 2, 100]], note="x")
    assert not HousingGuideline.objects.exists()
    row = guideline_add(acting_user=admin_user, valid_from=date(2026, 1, 1), decision_reference="SN",
                        amounts=JANUARY, note="x")
    entry = AccessLogEntry.objects.get(object_type="housing_guideline", object_id=str(row.pk))
    assert entry.actor == admin_user and entry.new_values["amounts"] == sorted(JANUARY)


def test_a_version_is_never_changed_or_deleted_by_the_database(guideline):
    with pytest.raises(IntegrityError), transaction.atomic():
        HousingGuideline.objects.filter(pk=guideline.pk).update(amounts=_rows(1, 1, (1, 1)))
    with pytest.raises(IntegrityError), transaction.atomic():
        HousingGuideline.objects.filter(pk=guideline.pk).delete()
    guideline.refresh_from_db()
    assert guideline.amounts == sorted(JANUARY)


# --- the calculation --------------------------------------------------------------------

def test_the_rent_is_capped_at_the_guideline_for_the_household_and_the_line_names_it(guideline, case, alice):
    calculation = _calculate(_application(case, alice), alice)
    line = _housing_line(calculation)
    # two adults and two children: 7 200 kr of a 9 000 kr rent
    assert (line["applied"], line["amount"], line["rule"]) == (900000, 720000, "cost.housing.capped")
    assert line["detail"] == ("Kommunens riktlinje för skälig boendekostnad från 2026-01-01 (SN 2025-12-10 § 140), "
                              "2 vuxna 2 barn eller fler: högsta 7 200 kr")
    assert calculation.input["costs"][0]["cap"] == 7200
    assert calculation.support == _ore(calculation.result["norm_total"]) + 720000


def test_without_a_guideline_the_rent_is_taken_as_applied_for(case, alice):
    line = _housing_line(_calculate(_application(case, alice), alice))
    assert (line["applied"], line["amount"], line["rule"]) == (900000, 900000, "cost.housing")


def test_a_new_version_does_not_change_an_old_calculation(guideline, case, alice, admin_user):
    application = _application(case, alice)
    old = _calculate(application, alice)
    before = (old.input, old.result, old.support)
    guideline_add(acting_user=admin_user, valid_from=date(2026, 1, 1), decision_reference="SN 2026-11-01 § 9",
                  amounts=_rows(5000, 6000, (6600, 8000)), note="Rättelse")
    old.refresh_from_db()
    assert (old.input, old.result, old.support) == before
    assert _housing_line(old)["amount"] == 720000
    new = _calculate(application, alice)  # a new calculation uses the version in force now
    assert _housing_line(new)["amount"] == 800000 and new.support == old.support + 80000


def test_only_one_housing_row(case, alice):
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=_adults(case)[0])
    with pytest.raises(ValidationError, match="på en rad"):
        services.application_entries_save(acting_user=alice, application=application, incomes=[], obstacles={},
                                          costs=[services.Entry("housing", 500000), services.Entry("housing", 1)])


# --- the documented deviation -----------------------------------------------------------

def test_a_deviation_needs_a_reason(guideline, case, alice):
    application = _application(case, alice)
    with pytest.raises(ValidationError) as caught:
        housing_deviation_record(acting_user=alice, application=application, reason="children_school",
                                 reason_text="  ")
    assert "reason_text" in caught.value.error_dict
    with pytest.raises(ValidationError):
        housing_deviation_record(acting_user=alice, application=application, reason="whim", reason_text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        HousingDeviation.objects.create(application=application, reason="other", reason_text="", recorded_by=alice)
    assert not HousingDeviation.objects.exists()


def test_a_deviation_accepts_the_rent_and_the_line_says_so(guideline, case, alice):
    application = _application(case, alice)
    housing_deviation_record(acting_user=alice, application=application, reason="children_school",
                             reason_text="Barnen går i skolan i området.")
    line = _housing_line(_calculate(application, alice))
    assert (line["applied"], line["amount"], line["rule"]) == (900000, 900000, "cost.housing.deviation")
    assert line["detail"].endswith("högsta 7 200 kr; avsteg, godtagen kostnad 9 000 kr: Barns skolgång eller "
                                   "förskola. Barnen går i skolan i området.")
    deviation = HousingDeviation.objects.get()
    assert (deviation.recorded_by, deviation.ended_at) == (alice, None)
    entry = AccessLogEntry.objects.get(object_type="housing_deviation")
    assert entry.actor == alice and entry.new_values["reason"] == "children_school"
    # up to an amount; the new deviation ends the old one
    housing_deviation_record(acting_user=alice, application=application, reason="short_time",
                             reason_text="Flytt om två månader.", accepted_amount=800000)
    assert HousingDeviation.objects.filter(ended_at__isnull=True).get().accepted_amount == 800000
    line = _housing_line(_calculate(application, alice))
    assert (line["applied"], line["amount"]) == (900000, 800000)
    housing_deviation_end(acting_user=alice, application=application)
    assert _housing_line(_calculate(application, alice))["amount"] == 720000


def test_only_one_deviation_in_force_in_the_database(guideline, case, alice):
    application = _application(case, alice)
    housing_deviation_record(acting_user=alice, application=application, reason="other", reason_text="Skäl")
    with pytest.raises(IntegrityError), transaction.atomic():
        HousingDeviation.objects.create(application=application, reason="other", reason_text="Skäl",
                                        recorded_by=alice)


# --- the decision -----------------------------------------------------------------------

def _decide(application, user, lines):
    application.refresh_from_db()
    return decisions.decision_make(acting_user=user, application=application, lines=lines, acknowledge_provisional=True)


def test_a_capped_rent_is_delvis_bifall_with_a_reason_naming_the_guideline(guideline, case, alice):
    application = _application(case, alice)
    calculation = _calculate(application, alice)
    proposal = decisions.proposed_lines(calculation)
    housing = proposal[[line["rule"] for line in decisions.need_lines(calculation)].index("cost.housing.capped")]
    assert (housing.outcome, housing.granted) == ("partly", 720000)
    assert housing.reason == ("Den sökta kostnaden 9 000 kr är högre än kommunens riktlinje för skälig boendekostnad "
                              "från 2026-01-01 (SN 2025-12-10 § 140), 2 vuxna 2 barn eller fler: högsta 7 200 kr. "
                              "7 200 kr beviljas.")
    decision = _decide(application, alice, proposal)
    line = decision.lines.get(rule="cost.housing.capped")
    assert (line.applied_amount, line.accepted_amount, line.granted_amount, line.outcome) == (
        900000, 720000, 720000, "partly")
    assert decision.granted_amount == calculation.support  # the total still equals the calculation's support
    assert sum(x.granted_amount for x in decision.lines.all()) == calculation.support


@pytest.mark.parametrize(("choice", "message"), [
    (LineDecision("granted"), "Välj delvis bifall"),
    (LineDecision("partly", 800000, "Hyran är skälig"), "högst 7 200 kr"),
])
def test_bifall_above_the_guideline_needs_a_documented_deviation(guideline, case, alice, choice, message):
    application = _application(case, alice)
    calculation = _calculate(application, alice)
    lines = [choice if line["rule"] == "cost.housing.capped" else LineDecision("granted")
             for line in decisions.need_lines(calculation)]
    with pytest.raises(ValidationError, match=message):
        _decide(application, alice, lines)
    assert not Decision.objects.exists()
    # the case worker may grant less than the guideline, and may edit the reason
    lines = [LineDecision("partly", 700000, "Egen motivering") if line["rule"] == "cost.housing.capped"
             else LineDecision("granted") for line in decisions.need_lines(calculation)]
    decision = _decide(application, alice, lines)
    assert decision.lines.get(rule="cost.housing.capped").reason == "Egen motivering"


def test_with_a_deviation_the_whole_rent_may_be_bifall(guideline, case, alice):
    application = _application(case, alice)
    housing_deviation_record(acting_user=alice, application=application, reason="disability",
                             reason_text="Bostaden är anpassad.")
    calculation = _calculate(application, alice)
    decision = _decide(application, alice, decisions.proposed_lines(calculation))
    line = decision.lines.get(rule="cost.housing.deviation")
    assert (line.applied_amount, line.accepted_amount, line.granted_amount, line.outcome) == (
        900000, 900000, 900000, "granted")
    assert "avsteg" in line.reason and decision.granted_amount == calculation.support


@pytest.mark.parametrize(("accepted", "granted", "outcome"), [
    (720000, 900000, "granted"),  # bifall above the guideline
    (720000, 800000, "partly"),  # more than accepted
    (None, 800000, "granted"),  # an old line: bifall is still the whole applied amount
    (None, 800000, "partly"),  # no accepted amount written: the calculation's capped line still counts
])
def test_the_database_refuses_a_line_granting_more_than_the_guideline(guideline, case, alice, accepted, granted,
                                                                      outcome):
    application = _application(case, alice)
    calculation = _calculate(application, alice)
    decision = Decision.objects.create(application=application, calculation=calculation, applied_amount=1,
                                       granted_amount=1, prepared_by=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionLine.objects.create(decision=decision, position=0, kind="cost", rule="cost.housing.capped",
                                    label="Boendekostnad", applied_amount=900000, accepted_amount=accepted,
                                    granted_amount=granted, outcome=outcome, reason="x")
    DecisionLine.objects.create(decision=decision, position=0, kind="cost", rule="cost.housing.capped",
                                label="Boendekostnad", applied_amount=900000, accepted_amount=720000,
                                granted_amount=720000, outcome="partly", reason="Riktlinjen")


def test_the_statistics_count_a_capped_rent_as_delvis_bifall(guideline, case, alice, unit_a):
    application = _application(case, alice)
    _decide(application, alice, decisions.proposed_lines(_calculate(application, alice)))
    other_case, *_ = couple_case(unit_a, case_worker=alice)
    within = _application(other_case, alice, rent=600000)
    _decide(within, alice, decisions.proposed_lines(_calculate(within, alice)))
    refresh.refresh_year(2026)
    outcomes = dict(DecidedApplication.objects.values_list("application_id", "outcome"))
    assert outcomes == {application.pk: "partly", within.pk: "granted"}
