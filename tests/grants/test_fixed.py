"""Operating, project and premises grants on SQLite and PostgreSQL: rule versions dispatched
on the programme's kind, the application checked against the rules and the association's
membership register, stored with its rule version and access-log row, refused whole with
every reason; two applications at once stay within the year's cap (PostgreSQL)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 - in a skipif
from django.http import Http404

from lika.audit.models import AccessLogEntry
from lika.grants import fixed, services
from lika.grants.models import GrantApplication, MembershipCount, Programme, ProgrammeRuleVersion
from tests.conftest import _user
from tests.grants.helpers import RULES
from tests.threads import race

SOURCE = "Kultur- och fritidsnämnden, beslut 2026-11-12 § 43 (fiktivt)"
OPERATING = {"valid_from": "2026-01-01", "source": SOURCE, "max_amount": 20000, "cap_per_year": 30000,
             "min_members": {"count": 10, "age_min": 7, "age_max": 20}}
PREMISES = {"valid_from": "2026-01-01", "source": SOURCE, "premises_share_percent": 50, "cap_per_year": 10000}


def make_world(admin_user):
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    operating = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.OPERATING,
                                          name="Verksamhetsbidrag")
    services.rule_version_add(acting_user=admin_user, programme=operating, rules_dict=OPERATING)
    premises = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.PREMISES,
                                         name="Lokalbidrag")
    services.rule_version_add(acting_user=admin_user, programme=premises, rules_dict=PREMISES)
    for band, count in (("7-12", 8), ("13-16", 4), ("26-64", 9)):
        MembershipCount.objects.create(association=club, year=2025, gender="F", age_band=band, count=count)
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    return club, other, operating, premises, user


@pytest.fixture
def world(admin_user):
    return make_world(admin_user)


def submit(user, club, programme, amount, **extra):
    fields = {"purpose": "Träningar för barn och unga", "period_from": date(2026, 1, 1),
              "period_to": date(2026, 12, 31)}
    return fixed.fixed_application_submit(acting_user=user, association_id=club.pk, programme=programme,
                                          amount=amount, **{**fields, **extra})


def test_rule_versions_are_parsed_by_the_programmes_kind(world, admin_user):
    _club, _other, operating, premises, _user_ = world
    with pytest.raises(ValidationError, match="okänd nyckel 'age_max' för verksamhetsbidrag"):  # activity rules refused
        services.rule_version_add(acting_user=admin_user, programme=operating,
                                  rules_dict={**RULES, "valid_from": "2027-01-01"})
    with pytest.raises(ValidationError, match="premises_share_percent saknas"):
        services.rule_version_add(acting_user=admin_user, programme=premises,
                                  rules_dict={**OPERATING, "valid_from": "2027-01-01"})
    with pytest.raises(ValidationError, match="efter 2026-01-01"):
        services.rule_version_add(acting_user=admin_user, programme=operating, rules_dict=OPERATING)
    services.rule_version_add(acting_user=admin_user, programme=operating,
                              rules_dict={**OPERATING, "valid_from": "2027-01-01", "max_amount": 25000})
    core = services.fixed_programme(operating)
    assert [str(v.valid_to) for v in core.versions] == ["2026-12-31", "None"]
    assert core.version_on(date(2027, 3, 1)).max_amount == 2_500_000
    # the activity parser still reads activity programmes
    activity = services.programme_create(acting_user=admin_user, giver=operating.giver, kind=Programme.Kind.ACTIVITY,
                                         name="Aktivitetsbidrag")
    services.rule_version_add(acting_user=admin_user, programme=activity, rules_dict=RULES)
    assert services.core_programme(activity).versions[0].occasion_rate == 3000
    sponsorship = services.programme_create(acting_user=admin_user, giver=operating.giver,
                                            kind=Programme.Kind.SPONSORSHIP, name="Sponsring")
    with pytest.raises(ValidationError, match="sponsring har inga regelversioner"):
        services.rule_version_add(acting_user=admin_user, programme=sponsorship, rules_dict=OPERATING)
    assert ProgrammeRuleVersion.objects.count() == 4


def test_an_operating_grant_application_is_stored_with_its_rule_version(world):
    club, _other, operating, _premises, user = world
    application = submit(user, club, operating, 1_500_000)
    application.refresh_from_db()
    assert (application.total, application.year, application.result, application.status) == (
        1_500_000, 2026, {}, "submitted")
    assert application.purpose == "Träningar för barn och unga" and application.premises_hours is None
    assert [v.valid_from for v in application.rule_versions.all()] == [date(2026, 1, 1)]
    assert AccessLogEntry.objects.filter(object_type="grants.grantapplication",
                                         object_id=str(application.pk)).count() == 1


def test_a_broken_rule_refuses_the_application_with_every_reason(world):
    club, _other, operating, _premises, user = world
    with pytest.raises(ValidationError) as raised:
        submit(user, club, operating, 2_500_000, purpose=" ")
    assert raised.value.messages == ["ange vad bidraget ska användas till",
                                     "högst 20 000,00 kr kan sökas per ansökan"]
    submit(user, club, operating, 2_000_000)
    with pytest.raises(ValidationError, match="redan sökt 20 000,00 kr; högst 10 000,00 kr"):
        submit(user, club, operating, 1_000_100)
    assert GrantApplication.objects.count() == 1


def test_the_members_criterion_reads_the_latest_register_year(world):
    club, _other, operating, _premises, user = world
    MembershipCount.objects.filter(association=club, age_band="13-16").update(count=1)  # 9 members 7–20
    with pytest.raises(ValidationError, match="föreningen har 9 enligt medlemsregistret för 2025"):
        submit(user, club, operating, 100_000)
    MembershipCount.objects.create(association=club, year=2026, gender="M", age_band="17-20", count=12)
    assert submit(user, club, operating, 100_000).total == 100_000


def test_a_premises_grant_is_at_most_its_share_of_the_cost(world):
    club, _other, _operating, premises, user = world
    with pytest.raises(ValidationError, match="högst 50 % av lokalkostnaden 12 000,00 kr"):
        submit(user, club, premises, 600_100, premises_hours=Decimal("120.5"), premises_cost=1_200_000)
    application = submit(user, club, premises, 600_000, premises_hours=Decimal("120.5"), premises_cost=1_200_000)
    application.refresh_from_db()
    assert application.premises_hours == Decimal("120.50") and application.premises_cost == 1_200_000


def test_another_associations_user_is_refused(world):
    _club, other, operating, _premises, user = world
    with pytest.raises(Http404):
        submit(user, other, operating, 100_000)
    assert GrantApplication.objects.count() == 0


def test_the_application_page_lists_the_rules_in_swedish(world):
    _club, _other, _operating, _premises, _user_ = world
    shown = {r.programme.name: r.lines for r in fixed.rules_in_force(date(2026, 6, 1))}
    assert shown["Verksamhetsbidrag"] == ("högst 20 000,00 kr per ansökan", "högst 30 000,00 kr per förening och år",
                                          "minst 10 medlemmar 7–20 år")
    assert shown["Lokalbidrag"] == ("högst 10 000,00 kr per förening och år", "högst 50 % av lokalkostnaden")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_applications_at_once_stay_within_the_years_cap(admin_user):
    """Two browsers apply for 20 000 kr each under a 30 000 kr cap: the association's row
    lock makes the second see the first, which it must count; it is refused."""
    club, _other, operating, _premises, user = make_world(admin_user)
    results = race(lambda: submit(user, club, operating, 2_000_000), lambda: submit(user, club, operating, 2_000_000),
                   expected=(ValidationError,))
    assert sorted(type(r).__name__ for r in results) == ["GrantApplication", "ValidationError"]
    assert sum(GrantApplication.objects.values_list("total", flat=True)) == 2_000_000
