"""Issue 17, part 6: the rules when the answer about violence is yes (lika.core.violence)."""

from datetime import date

import pytest

from lika.core import violence as rules

HELD, TODAY = date(2026, 11, 20), date(2026, 12, 1)


@pytest.mark.parametrize(("answer", "children", "other_adults", "steps"), [
    ("yes", 2, 1, ["risk", "payment", "children", "support"]),
    ("yes", 0, 1, ["risk", "payment", "support"]),
    ("yes", 1, 0, ["risk", "children", "support"]),
    ("yes", 0, 0, ["risk", "support"]),
    ("no", 2, 1, []),
    ("declined", 2, 1, []),
    ("not_asked", 2, 1, []),
])
def test_the_steps_follow_the_answer_and_the_household(answer, children, other_adults, steps):
    assert rules.guidance_steps(answer, children=children, other_adults=other_adults) == steps


GOOD = {"instruments": ["farlighet"], "other_method": "", "risk_level": "low", "not_assessed_reason": "",
        "summary": "Samlad bedömning.", "protective_actions": "", "assessed_on": TODAY}


@pytest.mark.parametrize(("change", "problems"), [
    ({}, {}),
    ({"instruments": ["kortfragor", "beskrivning", "farlighet"]}, {}),
    ({"instruments": ["other"], "other_method": "SARA:SV"}, {}),
    ({"instruments": ["other"]}, {"other_method": "name_other_method"}),
    ({"instruments": ["farlighet"], "other_method": "SARA"}, {"instruments": "other_method_not_chosen"}),
    ({"instruments": ["magic"]}, {"instruments": "unknown_instrument"}),
    ({"instruments": ["kortfragor"]}, {"instruments": "level_needs_risk_instrument"}),
    ({"instruments": []}, {"instruments": "level_needs_risk_instrument"}),
    ({"instruments": [], "risk_level": "not_assessed", "not_assessed_reason": "Ville inte nu"}, {}),
    ({"risk_level": "not_assessed"}, {"not_assessed_reason": "reason_missing"}),
    ({"not_assessed_reason": "Ville inte"}, {"not_assessed_reason": "reason_only_when_not_assessed"}),
    ({"risk_level": "medium"}, {"protective_actions": "actions_missing"}),
    ({"risk_level": "high"}, {"protective_actions": "actions_missing"}),
    ({"risk_level": "high", "protective_actions": "Säkerhetsplan, skyddat boende"}, {}),
    ({"risk_level": "extreme"}, {"risk_level": "unknown_level"}),
    ({"summary": "  "}, {"summary": "summary_missing"}),
    ({"assessed_on": None}, {"assessed_on": "date_missing"}),
    ({"assessed_on": date(2026, 12, 2)}, {"assessed_on": "date_in_future"}),
    ({"assessed_on": date(2026, 11, 19)}, {"assessed_on": "date_before_meeting"}),
    ({"assessed_on": HELD}, {}),
])
def test_a_risk_assessment_is_complete_and_consistent(change, problems):
    assert rules.assessment_problems(**{**GOOD, **change}, held_on=HELD, today=TODAY) == problems


@pytest.mark.parametrize(("outcome", "reported_on", "reason", "problems"), [
    ("made", TODAY, "", {}),
    ("made", HELD, "Anmäld per telefon", {}),
    ("made", None, "", {"reported_on": "date_missing"}),
    ("made", date(2026, 12, 2), "", {"reported_on": "date_in_future"}),
    ("made", date(2026, 11, 1), "", {"reported_on": "date_before_meeting"}),
    ("not_made", None, "Skolan anmälde 2026-11-18", {}),
    ("not_made", None, " ", {"reason": "reason_missing"}),
    ("not_made", TODAY, "Skäl", {"reported_on": "date_only_when_made"}),
    ("maybe", None, "", {"outcome": "unknown_outcome"}),
])
def test_an_orosanmalan_is_a_date_or_a_reason(outcome, reported_on, reason, problems):
    assert rules.report_problems(outcome=outcome, reported_on=reported_on, reason=reason, held_on=HELD,
                                 today=TODAY) == problems


def test_every_rule_names_its_source_and_the_unverified_paragraph_says_so():
    assert set(rules.SOURCES) == {"FREDA", "RISK_DUTY", "REPORT_DUTY"}
    assert all(s.url.startswith("https://") and s.publisher for s in rules.SOURCES.values())
    assert not rules.SOURCES["REPORT_DUTY"].verified
    assert "2025:400" in rules.SOURCES["REPORT_DUTY"].note
