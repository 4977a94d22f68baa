"""Others who share the dwelling with their own support ("annan person i bostaden"): an
adult child not in school, a relative, a lodger.  Under SoF (2001:937) 2 kap. 1 § they
are separate persons: they count in the number of persons sharing the common household
costs, and nothing else of theirs is merged into this household's need.

Figures worked out by hand from the 2021 riksnorm (SFS 2020:1013, verified): couple
5 700 kr, ensamstående 3 160 kr, common costs 3 persons 1 420 kr, 2 persons 1 130 kr.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.access import access_person, handling_unit_id
from lika.cases.decisions import LineDecision
from lika.cases.letters import letter_context
from lika.cases.models import ApplicationParty, DecisionRecipient, DecisionShare
from lika.cases.services import Entry, PersonData
from lika.households.models import HouseholdMembership
from lika.identity.personnummer import FEMALE, MALE, generate_fictional

MONTH = date(2021, 5, 1)
SINCE = date(2021, 1, 1)
YOUTH_BORN = date(2002, 2, 10)  # 19 in May 2021, not in school


def _pd(first, last, birth, gender, serial, **extra):
    return PersonData(identity_number=generate_fictional(birth, gender, serial), first_name=first,
                      last_name=last, **extra)


FATHER = ("Karim", "Berg", date(1975, 3, 4), MALE, 301)
MOTHER = ("Maja", "Berg", date(1977, 6, 7), FEMALE, 302)
YOUTH = ("Elin", "Berg", YOUTH_BORN, FEMALE, 303)


def _register_parents(user):
    """The couple with their 19-year-old who works and is not in school, as co-resident."""
    return services.case_register(
        acting_user=user, cohabiting=True, since=SINCE,
        adults=[_pd(*FATHER, bank_clearing="5000", bank_account="1234560"), _pd(*MOTHER)],
        co_residents=[_pd(*YOUTH)])


def _members(case):
    return services.memberships_in_month(case.household_id, MONTH)


def _co_residents(case):
    return services.co_residents_in_month(case.household_id, MONTH)


def _apply(case, user, *, costs=(), incomes=(), joint=True):
    adults = [m.person for m in _members(case) if m.role == "adult"]
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=adults[0],
                                              joint=joint and len(adults) == 2)
    for party in application.parties.filter(confirmed_at__isnull=True):
        services.application_confirm(acting_user=user, application=application, party=party, channel="visit")
    services.application_entries_save(acting_user=user, application=application, costs=list(costs),
                                      incomes=list(incomes), obstacles={p.pk: "unemployed" for p in adults})
    return application


def _decide(application, user):
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    calculation = application.calculations.get(superseded_at__isnull=True)
    lines = [LineDecision("granted")] * len(decisions.need_lines(calculation))
    return decisions.decision_make(acting_user=user, application=application, lines=lines, acknowledge_provisional=True)


def _household_line(snapshot):
    [line] = [line for line in snapshot.result["lines"] if line["kind"] == "household"]
    return line


def test_registering_a_couple_with_a_19_year_old_not_in_school_keeps_her_out_of_the_need(alice):
    case = _register_parents(alice)
    roles = sorted(HouseholdMembership.objects.filter(household_id=case.household_id).values_list("role", flat=True))
    assert roles == ["adult", "adult", "co_resident"]
    [youth] = [m.person for m in _co_residents(case)]
    assert [m.person.first_name for m in _members(case)] == ["Karim", "Maja"]
    father = _members(case)[0].person
    # her own salary cannot be entered on the parents' application: it is not theirs
    application = _apply(case, alice)
    with pytest.raises(ValidationError, match="utanför hushållet"):
        services.application_entries_save(acting_user=alice, application=application, costs=[],
                                          incomes=[Entry("salary", 1200000, person_id=youth.pk)],
                                          obstacles={})
    services.application_entries_save(
        acting_user=alice, application=application, costs=[Entry("housing", 800000)],
        incomes=[Entry("salary", 300000, person_id=father.pk)],
        obstacles={m.person_id: "unemployed" for m in _members(case)})
    snapshot = services.calculation_make(acting_user=alice, application=application)
    assert snapshot.input["household_size"] == 3 and len(snapshot.input["members"]) == 2
    assert youth.pk not in snapshot.members
    line = _household_line(snapshot)
    assert line["label"] == "Gemensamma hushållskostnader, andel 2 av 3 personer"
    assert line["rule"] == "riksnorm.household.share"
    # 5 700 + 1 420 × 2/3 (946,666… → 946,67) + 8 000 − 3 000 = 11 646,67 kr
    assert snapshot.result["household_costs"] == 946.67
    assert snapshot.result["norm_total"] == 6646.67
    assert snapshot.support == 1164667


def test_the_co_resident_is_no_party_gets_no_share_and_no_letter(alice):
    case = _register_parents(alice)
    [youth] = [m.person for m in _co_residents(case)]
    parents = {m.person_id for m in _members(case)}
    application = _apply(case, alice, costs=[Entry("housing", 700001)])
    assert set(ApplicationParty.objects.filter(application=application).values_list("person_id", flat=True)) \
        == parents
    decision = _decide(application, alice)
    shares = list(DecisionShare.objects.filter(decision=decision))
    assert {s.person_id for s in shares} == parents, "the split involves only the case's own adults"
    # 5 700 + 946,67 + 7 000,01 = 13 646,68 kr: two equal halves of 6 823,34 kr
    assert decision.granted_amount == 1364668
    assert sorted(s.amount for s in shares) == [682334, 682334]
    recipients = DecisionRecipient.objects.filter(decision=decision)
    assert {r.person_id for r in recipients} == parents and youth.pk not in parents
    letter = letter_context(decision, recipients.first())
    assert "Gemensamma hushållskostnader, andel 2 av 3 personer" in [row["label"] for row in letter["lines"]]


def test_the_co_resident_applies_in_her_own_right_in_her_own_case(alice):
    """Her own case: ensamstående 3 160 + 1 420 / 3 (473,33) = 3 633,33 kr riksnorm; her
    parents are the co-residents there."""
    parents_case = _register_parents(alice)
    [youth] = [m.person for m in _co_residents(parents_case)]
    assert handling_unit_id(youth.pk) is None, "being a co-resident makes no unit hers"
    own = services.case_register(acting_user=alice, since=SINCE, adults=[_pd(*YOUTH)],
                                 co_residents=[_pd(*FATHER), _pd(*MOTHER)])
    assert [m.person_id for m in _members(own)] == [youth.pk]
    application = _apply(own, alice, incomes=[Entry("salary", 200000, person_id=youth.pk)])
    snapshot = services.calculation_make(acting_user=alice, application=application)
    assert snapshot.input["household_size"] == 3
    assert _household_line(snapshot)["label"] == "Gemensamma hushållskostnader, andel 1 av 3 personer"
    assert snapshot.result["norm_total"] == 3633.33
    assert snapshot.support == 363333 - 200000
    # the parents' case still counts her, and her own case does not disturb theirs
    parents_snapshot = services.calculation_make(acting_user=alice, application=_apply(parents_case, alice))
    assert parents_snapshot.result["norm_total"] == 6646.67
    assert handling_unit_id(youth.pk) == alice.unit_id


def test_another_unit_can_open_her_own_case_and_the_parents_unit_no_longer_opens_her(alice, charlie):
    parents_case = _register_parents(alice)
    [youth] = [m.person for m in _co_residents(parents_case)]
    access_person(alice, parents_case.pk, youth.pk, what="test")  # nobody else handles her yet
    services.case_register(acting_user=charlie, since=SINCE, adults=[_pd(*YOUTH)])
    assert handling_unit_id(youth.pk) == charlie.unit_id
    with pytest.raises(Http404):
        access_person(alice, parents_case.pk, youth.pk, what="test")
    with pytest.raises(PermissionDenied):
        services.person_update(acting_user=alice, case=parents_case, person=youth, data=_pd(*YOUTH))
    # the parents' calculation still counts her in the dwelling
    snapshot = services.calculation_make(acting_user=alice, application=_apply(parents_case, alice))
    assert snapshot.input["household_size"] == 3


def test_a_person_handled_elsewhere_can_be_recorded_as_co_resident_but_not_a_protected_stranger(alice, charlie):
    services.case_register(acting_user=charlie, since=SINCE, adults=[_pd(*YOUTH)])
    case = _register_parents(alice)  # she is in unit B's open case: recorded, not refused
    assert len(_co_residents(case)) == 1
    hidden = _pd("Hemlig", "Person", date(1990, 1, 1), FEMALE, 304, protected_identity=True)
    services.case_register(acting_user=charlie, since=SINCE, adults=[hidden])
    with pytest.raises(ValidationError, match="enhet inte handlägger"):
        services.case_register(acting_user=alice, since=SINCE, adults=[_pd("Ola", "Ek", date(1980, 1, 1), MALE, 305)],
                               co_residents=[hidden])


def test_a_co_resident_is_not_an_adult_of_an_open_case(alice):
    """``_refuse_open_case_elsewhere`` looks only at adults: the parents, adults of their own
    open case, are refused as adults of a second case but may be co-residents of one."""
    _register_parents(alice)
    with pytest.raises(ValidationError, match="redan vuxen i ett aktuellt ärende"):
        services.case_register(acting_user=alice, since=SINCE, adults=[_pd(*FATHER)])


def test_co_residents_do_not_count_against_two_adults_and_are_never_sambo(alice):
    case = _register_parents(alice)
    lodger = _pd("Sam", "Lind", date(1960, 8, 8), MALE, 306)
    membership = services.membership_add(acting_user=alice, case=case, data=lodger, role="co_resident",
                                         valid_from=date(2021, 5, 10), cohabiting=True)
    assert membership.role == "co_resident" and not membership.cohabiting
    assert [m.cohabiting for m in _members(case)] == [True, True], "the couple stays a couple"
    snapshot = services.calculation_make(acting_user=alice, application=_apply(case, alice))
    # 4 persons in May: 5 700 + 1 610 × 2/4 = 6 505 kr
    assert snapshot.input["household_size"] == 4
    assert _household_line(snapshot)["label"] == "Gemensamma hushållskostnader, andel 2 av 4 personer"
    assert snapshot.result["norm_total"] == 6505
    services.membership_end(acting_user=alice, case=case, membership=membership, last_day=date(2021, 6, 30))
    assert AccessLogEntry.objects.filter(object_type="membership", person_id=membership.person_id).count() == 2


def test_a_youth_who_leaves_school_moves_from_child_to_co_resident(alice):
    """A hemmavarande 19-year-old is a member (19–20 band); when she leaves school she
    becomes a co-resident from that date, and the month's calculation follows the
    membership in force at the end of the month — history kept, nothing overwritten."""
    case = services.case_register(
        acting_user=alice, cohabiting=True, since=SINCE, adults=[_pd(*FATHER), _pd(*MOTHER)],
        children=[_pd(*YOUTH, hemmavarande=True)])
    [child] = [m for m in _members(case) if m.role == "child"]
    services.membership_end(acting_user=alice, case=case, membership=child, last_day=date(2021, 4, 30))
    services.membership_add(acting_user=alice, case=case, data=_pd(*YOUTH), role="co_resident",
                            valid_from=date(2021, 5, 1))
    assert [m.role for m in HouseholdMembership.objects.filter(person=child.person).order_by("id")] \
        == ["child", "co_resident"]
    snapshot = services.calculation_make(acting_user=alice, application=_apply(case, alice))
    assert child.person_id not in snapshot.members
    assert snapshot.result["norm_total"] == 6646.67


def test_without_co_residents_the_calculation_has_no_dwelling_size(alice):
    case = services.case_register(acting_user=alice, cohabiting=True, since=SINCE,
                                  adults=[_pd(*FATHER), _pd(*MOTHER)])
    snapshot = services.calculation_make(acting_user=alice, application=_apply(case, alice))
    assert "household_size" not in snapshot.input
    assert _household_line(snapshot)["label"] == "Gemensamma hushållskostnader, 2 personer"
    assert snapshot.result["household_costs"] == 1130


def test_a_co_resident_who_moved_out_before_the_month_does_not_count(alice):
    case = _register_parents(alice)
    [membership] = _co_residents(case)
    services.membership_end(acting_user=alice, case=case, membership=membership, last_day=MONTH - timedelta(days=1))
    snapshot = services.calculation_make(acting_user=alice, application=_apply(case, alice))
    assert "household_size" not in snapshot.input and snapshot.result["household_costs"] == 1130


def test_the_database_refuses_a_co_resident_marked_as_sambo_or_child(alice):
    case = _register_parents(alice)
    [membership] = _co_residents(case)
    for change in ({"cohabiting": True}, {"hemmavarande": True}, {"days_present": 15}, {"role": "lodger"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            HouseholdMembership.objects.filter(pk=membership.pk).update(**change)


def test_the_case_page_shows_a_co_resident_of_another_unit_without_her_page_or_address(client, alice, charlie):
    from django.urls import reverse

    own = services.case_register(acting_user=charlie, since=SINCE,
                                 adults=[_pd(*YOUTH, street_address="Annangatan 9", city="Annanby")])
    parents = _register_parents(alice)
    [youth] = [m.person for m in _co_residents(parents)]
    client.force_login(alice)
    page = client.get(reverse("case_detail", kwargs={"case_id": parents.pk})).content.decode()
    assert "Elin" in page and "Annan person i bostaden (egen försörjning)" in page
    assert "3 personer delar bostaden" in page
    assert reverse("person_detail", kwargs={"case_id": parents.pk, "person_id": youth.pk}) not in page
    assert "Annangatan" not in page and "Annanby" not in page
    father = _members(parents)[0].person
    assert reverse("person_detail", kwargs={"case_id": parents.pk, "person_id": father.pk}) in page
    client.force_login(charlie)
    page = client.get(reverse("case_detail", kwargs={"case_id": own.pk})).content.decode()
    assert "Annangatan 9" in page and "personer delar bostaden" not in page


def test_registering_through_the_form_with_a_co_resident(client, alice):
    from django.urls import reverse

    client.force_login(alice)
    data = {"since": "2021-01-01", "second_adult": "on", "cohabiting": "on"}
    for prefix, (first, last, birth, gender, serial) in (("adult1", FATHER), ("adult2", MOTHER), ("other0", YOUTH)):
        data.update({f"{prefix}-identity_number": generate_fictional(birth, gender, serial),
                     f"{prefix}-first_name": first, f"{prefix}-last_name": last})
    response = client.post(reverse("case_register"), data)
    assert response.status_code == 302
    [case] = services.Case.objects.all()
    assert [(m.person.first_name, m.role) for m in services.memberships_on(case.household_id, MONTH)] == [
        ("Karim", "adult"), ("Maja", "adult"), ("Elin", "co_resident")]
    entry = AccessLogEntry.objects.get(object_type="case", action="create")
    assert entry.new_values["co_residents"] == [_co_residents(case)[0].person_id]
