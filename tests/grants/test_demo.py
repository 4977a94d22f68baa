"""The demo's grants: 60 fictional associations, three years of activity-grant applications
with a skew by gender, a rule change in 2026 whose effect a what-if shows, and every stored
application equal to what the core engine computes from the seed's attendance."""

from collections import Counter, defaultdict
from fractions import Fraction
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import call_command
from stdnum.se import orgnr

from lika.accounts.models import Role
from lika.core import grants as engine
from lika.core.three_r import Counted, Rules, same_for_all, what_if
from lika.grants import demo, demo_data, handling, services, sponsorship
from lika.grants.models import (
    ApplicationCount,
    Association,
    BoardMember,
    GrantApplication,
    GrantDecision,
    GrantGiver,
    MembershipCount,
    Programme,
    ProgrammeBudget,
    SponsorshipAgreement,
    SponsorshipAssessment,
)
from lika.households.demo import DEMO_PASSWORD
from lika.identity.bank import parse_bankgiro
from tests.grants.helpers import GOOD, upload

SEED = 3


def test_the_same_seed_gives_the_same_associations_and_attendance():
    first, second = demo_data.demo_associations(SEED), demo_data.demo_associations(SEED)
    assert [(c.name, c.members, c.board) for c in first] == [(c.name, c.members, c.board) for c in second]
    assert demo_data.attendance(first[0], 2025, demo_data.SPRING, SEED) == \
        demo_data.attendance(second[0], 2025, demo_data.SPRING, SEED)
    assert [c.name for c in demo_data.demo_associations(SEED + 1)] != [c.name for c in first]


def test_numbers_are_valid_and_names_unique():
    clubs = demo_data.demo_associations(SEED)
    assert len(clubs) == 60 and len({c.name for c in clubs}) == 60
    for club in clubs:
        assert orgnr.is_valid(club.orgnr) and club.orgnr.startswith("8")
        parse_bankgiro(demo_data.bankgiro_of(club.serial))
        assert demo_data.phone_of(club.serial).startswith("070-174 06 ")
    assert {c.kind for c in clubs} == set(demo_data.KINDS)
    assert {demo_data.KINDS[c.kind].area for c in clubs} == {"idrott", "kultur", "scouting"}


def _participations(year):
    """Deltagartillfällen by association kind and gender in one year."""
    kinds = {c.orgnr: c.kind for c in demo_data.demo_associations(SEED)}
    by_kind = defaultdict(Counter)
    for row in ApplicationCount.objects.filter(application__year=year).values(
            "application__association__orgnr", "gender", "participations"):
        by_kind[kinds[row["application__association__orgnr"]]][row["gender"]] += row["participations"]
    return by_kind


def _boys(counter):
    return counter["M"] / (counter["M"] + counter["F"])


@pytest.mark.django_db(transaction=False)
def test_seed_demo_adds_the_associations_three_years_a_skew_and_a_rule_change():
    out = StringIO()
    call_command("seed_demo", "--households", "2", "--cases", "0", "--seed", str(SEED), stdout=out)
    assert f"bidragshandläggare {demo.OFFICER} ({DEMO_PASSWORD})" in out.getvalue()
    assert f"{demo.OFFICER}  " in out.getvalue()  # in the table of demo logins too

    # registers
    assert Association.objects.count() == 60
    assert dict(GrantGiver.objects.values_list("name", "kind")) == {
        "Kommunstyrelsen": "board", "Kultur- och fritidsnämnden": "board", demo.COMPANY: "company"}
    assert set(Programme.objects.values_list("kind", flat=True)) == {"activity", "operating", "premises", "project"}
    assert ProgrammeBudget.objects.filter(year__in=demo_data.YEARS).count() == 4 * 3
    assert set(BoardMember.objects.values_list("year", flat=True)) == set(demo_data.YEARS)
    assert set(BoardMember.objects.values_list("gender", flat=True)) == {"F", "M"}
    assert MembershipCount.objects.filter(year=2026, age_band="13-20", gender="F").exists()

    # three years of applications, one per half-year, all from the activity programme
    activity = Programme.objects.get(name=demo.ACTIVITY)
    applications = GrantApplication.objects.filter(programme=activity)
    assert sorted(set(applications.values_list("year", flat=True))) == [2024, 2025, 2026]
    assert applications.count() == GrantApplication.objects.count() > 300

    # the rule change: a second version, girls 13–20 paid more
    versions = list(activity.rule_versions.order_by("valid_from"))
    assert [str(v.valid_from) for v in versions] == ["2024-01-01", "2026-01-01"]
    assert versions[1].rules["participant_rates"]["13-20"] == {"F": 12, "M": 8}
    assert set(applications.filter(year=2026).values_list("rule_versions", flat=True)) == {versions[1].pk}
    assert set(applications.filter(year=2025).values_list("rule_versions", flat=True)) == {versions[0].pk}

    # the skew: boys' sports ~70–85 % boys, riding and dance mostly girls
    by_kind = _participations(2025)
    for kind in ("fotboll", "ishockey", "e-sport"):
        assert 0.68 <= _boys(by_kind[kind]) <= 0.90, kind
    for kind in ("ridsport", "dans"):
        assert _boys(by_kind[kind]) <= 0.25, kind
    everyone = sum(by_kind.values(), Counter())
    assert 0.52 <= _boys(everyone) <= 0.65

    # every stored application is what the core engine computes from the seed's attendance
    clubs = {c.orgnr: c for c in demo_data.demo_associations(SEED)}
    core = services.core_programme(activity)
    granted = Counter()
    capped = 0
    for application in applications.select_related("association").order_by("pk"):
        club = clubs[application.association.orgnr]
        half = demo_data.SPRING if application.period_from.month <= 6 else demo_data.AUTUMN
        occasions = demo_data.attendance(club, application.year, half, SEED)
        key = (club.orgnr, application.year)
        result = engine.calculate_activity_grant(core, occasions, already_granted=granted[key])
        granted[key] += result.total
        capped += result.cap_applied
        assert application.total == result.total
        stored = {(c.gender, c.age_band): (c.participations, c.amount) for c in application.counts.all()
                  if c.participations or c.amount}  # a leaders-only cell has people but no deltagartillfällen
        assert stored == {k: (result.participations[k], result.amounts[k]) for k in result.participations
                          if result.participations[k] or result.amounts[k]}
        assert [o["counted"] for o in application.result["occasions"]] == [o.counted for o in result.occasions]
    assert capped > 0, "the cap bites for the biggest clubs"
    reasons = {r for a in applications.filter(year=2024)[:20] for o in a.result["occasions"] for r in o["reasons"]}
    assert any("minuter" in r for r in reasons) and any("ledare" in r for r in reasons)

    # a what-if of the 2026 rates on 2025's counts gives girls a larger share, at a cost
    counted = [Counted(str(row.application.association_id), {"F": "K", "M": "M"}[row.gender], row.age_band,
                       row.participations)
               for row in ApplicationCount.objects.filter(application__year=2025).select_related("application")]
    old = same_for_all({b: r * 100 for b, r in demo.RULES_2024["participant_rates"].items()})
    new = {**old, ("13-20", "K"): 1200}
    result = what_if(counted, Rules(old), Rules(new))
    assert result.proposed.money_ore.share("K") > result.today.money_ore.share("K")
    assert result.cost_change_ore > 0 and result.today.money_ore.share("K") < Fraction(1, 2)

    # logins: forening1 works and can apply; a login without the demo password cannot
    user = authenticate(username="forening1", password=DEMO_PASSWORD)
    assert user is not None and user.association is not None
    assert authenticate(username="forening10", password=DEMO_PASSWORD) is None
    preview = services.preview(association=user.association, programme=activity, upload=upload(GOOD))
    assert preview.errors == () and preview.result.counted_occasions == 1

    # the grants officer, and her decisions: 2024–2025 decided, 2026 waiting for her
    officer = authenticate(username=demo.OFFICER, password=DEMO_PASSWORD)
    assert officer is not None and officer.role == Role.GRANTS_OFFICER
    decisions = GrantDecision.objects.filter(application__programme=activity)
    assert decisions.count() == applications.filter(year__in=(2024, 2025)).count()
    assert set(decisions.values_list("decided_by", flat=True)) == {officer.pk}
    assert not applications.filter(year=2026, status=GrantApplication.Status.DECIDED).exists()
    assert applications.filter(year=2026, status=GrantApplication.Status.SUBMITTED).count() > 100
    assert applications.filter(year=2026, status=GrantApplication.Status.UNDER_ASSESSMENT).exists()
    for year in (2024, 2025):
        this_year = decisions.filter(application__year=year)
        outcomes = Counter(this_year.values_list("outcome", flat=True))
        assert outcomes["refused"] >= 1 and outcomes["partly"] >= demo.PARTLY_PER_YEAR and \
            outcomes["granted"] > 100, outcomes
        for decision in this_year.exclude(outcome="granted"):
            assert decision.reasons and decision.assessment == decision.reasons  # the bedömning behind it
            assert decision.amount < decision.applied_amount
        assert handling.budget_position(activity, year).left >= 0  # within the budget
        assert all(d.letter_html for d in this_year.only("letter_html"))

    # the sponsorship: a municipal company's signed agreement of 2025 with its assessment and
    # the association's reach (more boys than expected); a draft of 2026 without assessment
    signed = SponsorshipAgreement.objects.get(status=SponsorshipAgreement.Status.SIGNED)
    assert signed.giver.kind == GrantGiver.Kind.COMPANY and signed.period_to.year == 2025
    assert signed.assessment.text and signed.report.reported_by == user  # forening1 reported it
    comparison = sponsorship.reach_comparison(signed)
    assert comparison.reported and comparison.actual_total[1] > comparison.expected_total[1]  # boys
    assert comparison.actual_share[1] > comparison.expected_share[1]
    draft = SponsorshipAgreement.objects.get(status=SponsorshipAgreement.Status.DRAFT)
    assert draft.period_from.year == 2026 and not draft.reach.exists()
    assert not SponsorshipAssessment.objects.filter(agreement=draft).exists()
    with pytest.raises(ValidationError, match="jämställdhetsbedömning"):
        sponsorship.agreement_sign(acting_user=officer, agreement_id=draft.pk)

    # run again: nothing added
    before = (GrantApplication.objects.count(), GrantDecision.objects.count(), SponsorshipAgreement.objects.count())
    again = demo.seed_grants(seed=SEED, password=DEMO_PASSWORD)
    assert again.skipped and before == (GrantApplication.objects.count(), GrantDecision.objects.count(),
                                        SponsorshipAgreement.objects.count())


@pytest.mark.parametrize("value", ["61", "-1", "x"])
def test_a_bad_number_of_associations_exits_2(value):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("seed_demo", "--associations", value, stdout=open("/dev/null", "w"))
    assert error.value.returncode == 2 and "antalet föreningar" in str(error.value)
