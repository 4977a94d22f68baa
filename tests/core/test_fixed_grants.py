"""Operating, project and premises grants (lika.core.fixed_grants): the rules' parsing with
Swedish errors and the check of an application, table-driven."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lika.core.fixed_grants import (
    FixedApplication,
    FixedGrantError,
    check_fixed_application,
    members_in_range,
    parse_fixed_programme,
    parse_fixed_rule_version,
)

SOURCE = "Kultur- och fritidsnämnden, beslut 2026-11-12 § 43 (fiktivt)"
OPERATING = {"valid_from": "2027-01-01", "source": SOURCE, "max_amount": 20000, "cap_per_year": 30000,
             "min_members": {"count": 10, "age_min": 7, "age_max": 20}}
# Svenljunga's lokalbidrag: 50 % of the rent, at most 10 000 kr a year (svenljunga.se, 2018).
PREMISES = {"valid_from": "2027-01-01", "source": SOURCE, "premises_share_percent": 50, "cap_per_year": 10000,
            "max_per_hour": 150}
MEMBERS = {"0-6": 4, "7-12": 6, "13-16": 3, "17-20": 2, "21-25": 8, "26-64": 20, "65-": 1}


def application(amount_kr, **changes):
    fields = {"amount": amount_kr * 100, "period_from": date(2027, 1, 1), "period_to": date(2027, 12, 31),
              "purpose": "Träningar och läger för barn och unga"}
    return FixedApplication(**{**fields, **changes})


@pytest.mark.parametrize("data, kind, message", [
    ({**OPERATING, "premises_share_percent": 50}, "operating", "bara för lokalbidrag"),
    ({**OPERATING, "rate": 5}, "operating", "okänd nyckel 'rate'"),
    ({k: v for k, v in OPERATING.items() if k != "valid_from"}, "project", "valid_from saknas"),
    ({**OPERATING, "valid_from": "2027-13-01"}, "operating", "ÅÅÅÅ-MM-DD"),
    ({**OPERATING, "valid_to": "2026-12-31"}, "operating", "före valid_from"),
    ({**OPERATING, "source": " "}, "operating", "källa"),
    ({**OPERATING, "max_amount": 0}, "operating", "större än noll"),
    ({**OPERATING, "max_amount": 1.5}, "operating", "max_amount"),
    ({**OPERATING, "min_members": 10}, "operating", "min_members skrivs"),
    ({**OPERATING, "min_members": {"count": 0}}, "operating", "min_members.count"),
    ({**OPERATING, "min_members": {"count": 5, "age_min": 20, "age_max": 7}}, "operating", "age_max"),
    ({k: v for k, v in PREMISES.items() if k != "premises_share_percent"}, "premises", "premises_share_percent saknas"),
    ({**PREMISES, "premises_share_percent": 101}, "premises", "1–100"),
    ({**PREMISES, "premises_share_percent": 0.5}, "premises", "heltal"),
    (OPERATING, "sponsorship", "okänt slag"),
])
def test_bad_rules_are_refused_in_swedish(data, kind, message):
    with pytest.raises(FixedGrantError, match=message):
        parse_fixed_rule_version(data, kind)


def test_rules_read_in_ore_and_described_in_swedish():
    version = parse_fixed_rule_version(PREMISES, "premises")
    assert version.premises_share == Fraction(1, 2)
    assert version.cap_per_year == 1_000_000 and version.max_per_hour == 15_000
    assert version.describe() == ("högst 10 000,00 kr per förening och år", "högst 50 % av lokalkostnaden",
                                  "högst 150,00 kr per lokaltimme")
    operating = parse_fixed_rule_version(OPERATING, "operating")
    assert "minst 10 medlemmar 7–20 år" in operating.describe()


def test_versions_may_not_overlap_and_each_date_has_its_version():
    later = {**OPERATING, "valid_from": "2028-01-01", "max_amount": 25000}
    with pytest.raises(FixedGrantError, match="gäller samtidigt"):
        parse_fixed_programme("Föreningsstöd", "operating", [OPERATING, later])
    programme = parse_fixed_programme("Föreningsstöd", "operating", [{**OPERATING, "valid_to": "2027-12-31"}, later])
    assert programme.version_on(date(2027, 6, 1)).max_amount == 2_000_000
    assert programme.version_on(date(2028, 1, 1)).max_amount == 2_500_000
    assert programme.version_on(date(2026, 12, 31)) is None


@pytest.mark.parametrize("members, age_min, age_max, expected", [
    (MEMBERS, 7, 20, (11, False)),  # 7-12, 13-16, 17-20
    (MEMBERS, 7, 25, (19, False)),
    (MEMBERS, 7, 15, (6, True)),  # 13-16 only partly inside: left out, and said so
    (MEMBERS, 65, None, (1, False)),
    (MEMBERS, 26, None, (21, False)),
    ({"7-12": 0, "13-16": 5}, 7, 14, (0, True)),
    ({"0-6": 9}, 7, 20, (0, False)),
    ({"vuxna": 3, "7-12": 4}, 7, 20, (4, True)),  # a band that cannot be read is left out, and said so
    ({"vuxna": 0}, 7, 20, (0, False)),
])
def test_members_are_counted_in_whole_bands(members, age_min, age_max, expected):
    assert members_in_range(members, age_min, age_max) == expected


OPERATING_V = parse_fixed_rule_version(OPERATING, "operating")
PREMISES_V = parse_fixed_rule_version(PREMISES, "premises")


@pytest.mark.parametrize("version, app, kwargs, reasons, ceiling", [
    # an operating grant within every rule
    (OPERATING_V, application(15000), {"members": MEMBERS, "members_year": 2026}, (), 2_000_000),
    # more than the most per application
    (OPERATING_V, application(25000), {"members": MEMBERS, "members_year": 2026},
     ("högst 20 000,00 kr kan sökas per ansökan",), 2_000_000),
    # the year's cap with what was already applied for
    (OPERATING_V, application(15000), {"members": MEMBERS, "members_year": 2026, "already_applied": 2_000_000},
     ("taket är 30 000,00 kr per år och föreningen har redan sökt 20 000,00 kr; högst 10 000,00 kr kan sökas",),
     1_000_000),
    # the members criterion: too few, and no register at all
    (OPERATING_V, application(100), {"members": {"7-12": 5, "13-16": 4}, "members_year": 2026},
     ("villkoret är minst 10 medlemmar 7–20 år; föreningen har 9 enligt medlemsregistret för 2026",), 2_000_000),
    (OPERATING_V, application(100), {},
     ("villkoret är minst 10 medlemmar 7–20 år; föreningen har inte registrerat sina medlemmar",), 2_000_000),
    # period and purpose
    (OPERATING_V, application(100, period_to=date(2028, 1, 31), purpose=" "),
     {"members": MEMBERS, "members_year": 2026},
     ("perioden ska ligga inom ett kalenderår", "ange vad bidraget ska användas till"), 2_000_000),
    (OPERATING_V, application(0, period_to=date(2026, 12, 1)), {"members": MEMBERS, "members_year": 2026},
     ("perioden slutar innan den börjar", "ange ett belopp större än noll"), 2_000_000),
    # premises: half of a 12 000 kr rent is 6 000 kr; 100 hours at 150 kr is 15 000 kr
    (PREMISES_V, application(6000, premises_cost=1_200_000, premises_hours=Fraction(100)), {}, (), 600_000),
    (PREMISES_V, application(6001, premises_cost=1_200_000, premises_hours=Fraction(100)), {},
     ("högst 50 % av lokalkostnaden 12 000,00 kr kan sökas, alltså 6 000,00 kr",), 600_000),
    # the hour rate binds: 30.5 hours × 150 kr = 4 575 kr
    (PREMISES_V, application(5000, premises_cost=1_200_000, premises_hours=Fraction(61, 2)), {},
     ("högst 150,00 kr per lokaltimme kan sökas, alltså 4 575,00 kr",), 457_500),
    # an odd cost: half of 99,99 kr is 49,995 kr, rounded down to 49,99 kr
    (PREMISES_V, application(50, premises_cost=9_999, premises_hours=Fraction(1)), {},
     ("högst 50 % av lokalkostnaden 99,99 kr kan sökas, alltså 49,99 kr",), 4_999),
    (PREMISES_V, application(100), {}, ("ange lokalkostnaden för perioden", "ange antalet lokaltimmar (större än noll)"),
     1_000_000),
    # no rules on the date
    (OPERATING_V, application(100, period_from=date(2026, 6, 1), period_to=date(2026, 6, 30)), {}, None, None),
])
def test_an_application_is_checked_against_every_rule(version, app, kwargs, reasons, ceiling):
    check = check_fixed_application(version if app.period_from >= version.valid_from else None, app, **kwargs)
    if reasons is None:
        assert check.reasons == ("inga bidragsregler gäller den 2026-06-01",)
        return
    assert check.reasons == reasons
    assert check.ok == (reasons == ())
    assert check.ceiling == ceiling


@given(cost=st.integers(1, 10**10), percent=st.integers(1, 100), amount=st.integers(1, 10**10),
       hours=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(8000)))
def test_a_premises_grant_never_passes_above_its_share_of_the_cost(cost, percent, amount, hours):
    version = parse_fixed_rule_version({**PREMISES, "premises_share_percent": percent, "cap_per_year": None,
                                        "max_per_hour": None}, "premises")
    check = check_fixed_application(version, application(0, amount=amount, premises_cost=cost,
                                                         premises_hours=hours))
    assert check.ceiling <= Fraction(cost * percent, 100) < check.ceiling + 1
    assert check.ok == (amount <= check.ceiling)
