"""Issue 14: a provisional riksnorm does not drive a decision silently.

- issuing a decision on a provisional table (or an estimated cell) needs the decision
  maker's acknowledgement, recorded on the decision (who, when) and required by the
  database;
- the letter says the amount is preliminary;
- loading the official table lists the decisions in force to review, with what the
  official table gives and the difference, and an ändringsbeslut on the official table
  settles it.

Figures by hand from lika/norms/data/riksnorm-2026.json: a cohabiting couple (7 100) with
two children aged 10 and 7 (7–10 år: 3 820 each), four persons' common costs (2 010) and
rent 7 000 → 7 100 + 2 × 3 820 + 2 010 + 7 000 = 23 750 kr.
"""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.letters import decision_letter_html
from lika.cases.models import Application, Decision
from lika.cases.norm_review import decisions_to_review, review_lines
from lika.norms.files import shipped_tables
from lika.norms.services import norm_table_save
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)
OLD_SUPPORT = 2_375_000  # öre, see the module docstring


def _adults(case, month=MONTH):
    return [m.person for m in services.memberships_in_month(case.household_id, month) if m.role == "adult"]


def _calculated(case, user, month=MONTH):
    application = services.application_create(acting_user=user, case=case, month=month,
                                              applicant=_adults(case, month)[0], joint=True)
    for party in application.parties.filter(confirmed_at__isnull=True):
        services.application_confirm(acting_user=user, application=application, party=party, channel="paper")
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700_000)],
                                      obstacles={p.pk: "unemployed" for p in _adults(case, month)})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application


def _grant_all(application):
    rows = len(decisions.need_lines(application.calculations.get(superseded_at__isnull=True)))
    return [LineDecision("granted")] * rows


@pytest.fixture
def case(unit_a, alice):
    return couple_case(unit_a, case_worker=alice)[0]


def _official_2026(**changes):
    """The 2026 table as the förordning might set it: verified, no estimates, some cells
    10–20 kr above the shipped estimate."""
    data = shipped_tables()[2026].as_dict()
    data.update(status="verified", estimated=[], source="SFS 2025:9999 (test)", notes="")
    data["personal"] = {**data["personal"], "7-10": 3830}
    data["household"] = {**data["household"], "4": 2030}
    data.update(changes)
    return data


def test_a_decision_on_a_provisional_table_needs_the_acknowledgement(case, alice):
    application = _calculated(case, alice)
    calculation = application.calculations.get()
    assert calculation.provisional and calculation.support == OLD_SUPPORT
    with pytest.raises(ValidationError) as caught:
        decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application))
    assert "acknowledge_provisional" in caught.value.error_dict
    assert "preliminär riksnorm" in caught.value.error_dict["acknowledge_provisional"][0].messages[0]
    assert not Decision.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.status == Application.Status.CALCULATED

    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                       acknowledge_provisional=True)
    assert decision.status == Decision.Status.ISSUED
    assert decision.norm_provisional is True
    assert decision.provisional_acknowledged_by == alice
    assert decision.provisional_acknowledged_at is not None
    letter = decision_letter_html(decision, decision.recipients.first())
    assert "Beloppet är preliminärt." in letter
    assert "riksnorm för\n    2026" in letter or "riksnorm för 2026" in " ".join(letter.split())


def test_the_manager_who_issues_a_proposal_acknowledges_it_herself(case, alice, bob, settings):
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 1000
    application = _calculated(case, alice)
    proposal = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                       acknowledge_provisional=True)
    assert proposal.status == Decision.Status.AWAITING_APPROVAL
    assert proposal.provisional_acknowledged_by == alice
    with pytest.raises(ValidationError, match="preliminär riksnorm"):
        decisions.decision_approve(acting_user=bob, decision=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Decision.Status.AWAITING_APPROVAL
    issued = decisions.decision_approve(acting_user=bob, decision=proposal, acknowledge_provisional=True)
    issued.refresh_from_db()
    assert issued.status == Decision.Status.ISSUED and issued.decided_by == bob
    assert issued.provisional_acknowledged_by == bob


def test_a_verified_table_needs_no_acknowledgement_and_the_letter_says_nothing(unit_a, alice):
    """2021 is verified (SFS 2020:1013) and the children eat lunch at school: no estimated cell."""
    case = couple_case(unit_a, case_worker=alice, since=date(2021, 1, 1))[0]
    application = _calculated(case, alice, month=date(2021, 6, 1))
    assert not decisions.calculation_is_provisional(application.calculations.get())
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application))
    assert decision.norm_provisional is False and decision.provisional_acknowledged_by is None
    assert "Beloppet är preliminärt" not in decision_letter_html(decision, decision.recipients.first())


def test_the_database_refuses_an_issued_provisional_decision_without_acknowledgement(case, alice):
    application = _calculated(case, alice)
    calculation = application.calculations.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=application, calculation=calculation, status="issued",
                                applied_amount=calculation.support, granted_amount=calculation.support,
                                prepared_by=alice, decided_by=alice, norm_provisional=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(application=application, calculation=calculation, status="issued",
                                applied_amount=calculation.support, granted_amount=calculation.support,
                                prepared_by=alice, decided_by=alice, norm_provisional=True,
                                provisional_acknowledged_by=alice)  # who without when
    # a draft may exist without it: the acknowledgement is made when issuing
    Decision.objects.create(application=application, calculation=calculation, status="draft",
                            applied_amount=calculation.support, granted_amount=calculation.support,
                            prepared_by=alice, norm_provisional=True)


def test_loading_the_official_table_lists_the_decisions_to_review_and_the_change_settles_them(
        case, alice, admin_user):
    application = _calculated(case, alice)
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                       acknowledge_provisional=True)
    assert decisions_to_review(2026) == []  # still on the version in force

    out = io.StringIO()
    path = _write(_official_2026())
    call_command("load_norm_table", str(path), user=admin_user.username, note="SFS 2025:9999", stdout=out)
    text = out.getvalue()

    rows = decisions_to_review(2026)
    assert [r.decision.pk for r in rows] == [decision.pk]
    row = rows[0]
    # 7–10 år 3 820 → 3 830 for two children (+20) and four persons 2 010 → 2 030 (+20)
    assert (row.old_support, row.new_support, row.difference) == (OLD_SUPPORT, OLD_SUPPORT + 4000, 4000)
    assert row.calculated_on == "Riksnorm 2026 v1" and row.can_start_change
    assert "1 beslut i kraft är beräknade på en preliminär version av riksnorm 2026" in text
    assert review_lines(rows)[0] in text
    assert "skillnad +40,00\u00a0kr" in text
    assert decisions_to_review(2026, unit_id=decision.application.case.unit_id + 1000) == []

    # the ändringsbeslut: recalculated on the official table, no acknowledgement needed
    decisions.decision_change_start(acting_user=alice, decision=decision)
    application.refresh_from_db()
    services.calculation_make(acting_user=alice, application=application)
    application.refresh_from_db()
    calculation = application.calculations.get(superseded_at__isnull=True)
    assert calculation.support == row.new_support and not calculation.provisional
    changed = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                      change_reason="Riksnormen för 2026 är fastställd (SFS 2025:9999)")
    assert changed.status == Decision.Status.ISSUED and changed.supersedes_id == decision.pk
    assert changed.norm_provisional is False
    assert decisions_to_review(2026) == []


def test_the_norm_page_lists_the_units_decisions_and_starts_the_change(case, alice, charlie, admin_user, client):
    application = _calculated(case, alice)
    decision = decisions.decision_make(acting_user=alice, application=application, lines=_grant_all(application),
                                       acknowledge_provisional=True)
    norm_table_save(acting_user=admin_user, data=_official_2026(), note="SFS 2025:9999")
    url = reverse("norm_detail", kwargs={"year": 2026})

    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Beslut att ompröva" in page and f"beslut {decision.pk}" in page
    assert "+40,00" in page

    client.force_login(charlie)  # another unit: the count, not the case
    page = client.get(url).content.decode()
    assert "Beslut att ompröva" in page and f"beslut {decision.pk}" not in page
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert "1 beslut i kraft är beräknat" in page and f"beslut {decision.pk}" not in page

    client.force_login(alice)
    response = client.post(reverse("decision_detail", kwargs={"case_id": case.pk, "decision_id": decision.pk}),
                           {"action": "change"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGING
    assert "Ändras redan" in client.get(url).content.decode()


def _write(data):
    import json
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "riksnorm-2026.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
