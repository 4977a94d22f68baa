"""No hidden statistic can be derived (issue 13, docs/security.md): a demo municipality with
two units, its statistics refreshed, and every report an analyst can ask for — each unit
and the whole municipality, every month, quarter, tertial, the year, custom ranges of
months next to each other — read as an attacker would.

Every published count and amount is a sum of *atoms* (one unit, one month, one category,
one gender; a count of distinct people per unit and period).  The attacker knows every
linear combination of the shown cells (tests/span.py): municipality minus the other
units, one table of a figure minus another, the year minus its other months or
quarters, one custom range minus the next, and any chain of them.  No hidden cell may
lie in that span.  The model of atoms is itself checked: with threshold 1 (nothing
hidden) every cell of every report equals its sum of atoms.
"""

from datetime import date
from fractions import Fraction
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from lika.accounts.models import Municipality, Unit
from lika.cases.models import Case, SupportObstacle
from lika.core.disclosure import SUPPRESSED
from lika.core.periods import Period
from lika.plans.models import PlanActivity
from lika.statistics import refresh
from lika.statistics.figures import build_report
from tests.span import PRIME, Span

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
YEAR = 2026
GENDERS = {0: ("F",), 1: ("M",), 2: ("F", "M")}
OWN = ("work", "work_subsidised", "studies", "unemployment_benefit", "establishment", "sickness_benefit",
       "parental_benefit", "pension", "other_benefit")
OUTCOMES = ("granted", "partly", "refused")


def _month_index(day):
    return day.year * 12 + day.month - 1


def _month(index):
    return date(index // 12, index % 12 + 1, 1)


def _periods(first_month: date) -> list[Period]:
    """Every period an analyst can choose around the year: months (from ``first_month``,
    for the before/after windows), quarters, tertials, the year, and custom ranges of whole
    months: every range starting in January or ending in December, and every two months
    next to each other."""
    months = [_month(i) for i in range(_month_index(first_month), _month_index(date(YEAR, 12, 1)) + 1)]
    periods = [Period.of_month(m.year, m.month) for m in months]
    periods += [Period.of_quarter(YEAR, q) for q in range(1, 5)] + [Period.of_tertial(YEAR, t) for t in range(1, 4)]
    periods.append(Period.of_year(YEAR))
    ends = [Period.of_month(YEAR, m).end for m in range(1, 13)]
    starts = [date(YEAR, m, 1) for m in range(1, 13)]
    periods += [Period.between(starts[0], ends[m]) for m in range(1, 11)]
    periods += [Period.between(starts[m], ends[11]) for m in range(1, 11)]
    periods += [Period.between(starts[m], ends[m + 1]) for m in range(11)]
    return periods


def _vector(family, units, months, keys, genders, coefficient=1) -> dict:
    return {(family, unit, month, key, gender): coefficient
            for unit in units for month in months for key in keys for gender in genders}


def _plus(*vectors) -> dict:
    out = {}
    for vector in vectors:
        for atom, c in vector.items():
            out[atom] = out.get(atom, 0) + c
    return {atom: c for atom, c in out.items() if c}


class Model:
    """Which atoms a cell of a report adds up (None: a share, not a sum)."""

    def __init__(self, units, switch, overlaps):
        self.units = units
        self.switch = switch
        self.overlaps = overlaps  # {(family, period or month, gender)}: whole ≠ Σ units (someone in two units)
        self.exception_keys = {str(label): key for key, label in settings.LIKA_PAYMENT_EXCEPTION_REASONS.items()}
        self.exception_keys["Okänt skäl"] = "?"

    def _distinct(self, family, scope, at, keys, genders):
        """A count of distinct people (per unit and period): the whole is Σ units, less
        those counted in two units where there are any."""
        if scope is not None:
            return _vector(family, [scope], [at], keys, genders)
        vector = _vector(family, self.units, [at], keys, genders)
        for key in keys:
            for gender in genders:
                if (family, at, key, gender) in self.overlaps:
                    vector[(family + "-overlap", None, at, key, gender)] = -1
        return vector

    def cell(self, figure, t, r, row, c, scope, period, table):
        units = self.units if scope is None else [scope]
        months = period.months()
        genders = GENDERS[c]

        def base(family, keys, window=months, gs=genders):
            return _vector(family, units, window, keys, gs)

        def total_or(keys_by_row, family):
            return base(family, list(keys_by_row.values()) if row.total else [keys_by_row[row.label]])

        key = figure.key
        if row.kind == "percent":
            return None
        if key == "grants":  # associations' participants, not the case register's people (docs/kpi.md)
            return None
        if key == "paid":
            if t == 0 and r == 0:
                return self._distinct("people", scope, period.code, ["x"], genders)
            if t == 0 and r == 1:
                return base("kronor", ["x"])
            return base("kronor", ["x"], window=[months[r]])
        if key == "before_after":
            start = self.switch.replace(day=1)
            before = [_month(_month_index(start) - 12 + i) for i in range(12)]
            after = [m for m in (_month(_month_index(start) + i) for i in range(12))
                     if m < TODAY.replace(day=1)] or [start]
            return base("kronor", ["x"], window=before if r == 0 else after)
        if key == "couples" and t == 0:
            equal = base("equal", ["x"], gs=("T",))
            single = base("exceptions", list(self.exception_keys.values()), gs=("F", "M"))
            return [equal, single, _plus(equal, single)][r]
        if key == "couples":
            return total_or(self.exception_keys, "exceptions")
        if key == "decisions" and t == 0:
            both, other = base("both", ["x"], gs=("T",)), base("notboth", ["x"], gs=("T",))
            return [both, other, _plus(both, other)][r]
        # the applicants (decided applications by the applicant's gender) are the sum of
        # their decisions' outcomes: bifall, delvis bifall, avslag
        if key == "decisions" and t == 1:  # the processing time's applications are the applicants
            return base("outcomes", list(OUTCOMES)) if r == 0 else base("days", ["x"])
        if key == "decisions":
            return base("outcomes", list(OUTCOMES) if row.total else [OUTCOMES[r]])
        if key == "registerledare":
            if r == 0 or c == 2:
                return base("outcomes", list(OUTCOMES))
            women = base("registerledare", ["x"], gs=("F",))
            return women if c == 0 else _plus(base("outcomes", list(OUTCOMES), gs=("F", "M")),
                                              {atom: -1 for atom in women})
        if key == "shared_account":  # adults held, exceptions approved: two independent counts
            return base("shared", [["held", "approved"][r]])
        if key == "plans":
            keys = ({"Med egen plan": "with", "Utan egen plan": "without"} if t == 0
                    else {str(label): kind for kind, label in PlanActivity.Kind.choices})
            return total_or(keys, "plans" if t == 0 else "activities")
        if key == "meetings":
            return total_or({"Enskilda möten": "individual", "Gemensamma möten": "joint"}, "meetings")
        if key == "obstacles":
            return total_or({str(label): category for category, label in SupportObstacle.Category.choices},
                            "obstacles")
        if key == "long_term":
            keys = ["long", "shorter"] if row.total else [["long", "shorter"][r]]
            return self._distinct("long_term", scope, months[-1], keys, genders)
        if key == "exits":
            reasons = {str(label): reason for reason, label in Case.CloseReason.choices}
            if t == 1:
                return total_or(reasons, "exits")
            groups = [[r_ for r_ in reasons.values() if r_ in OWN], [r_ for r_ in reasons.values() if r_ not in OWN]]
            return base("exits", groups[0] + groups[1] if row.total else groups[r])
        raise AssertionError(f"no model for {key} table {t} row {r}")


def _cells(report, model, scope, period):
    """(vector, value or SUPPRESSED, where) for every summed cell of a report; the average
    processing time is read as its sum of days (average × applications)."""
    for figure in report.figures:
        for t, table in enumerate(figure.tables):
            for r, row in enumerate(table.rows):
                for c, value in enumerate(row.cells):
                    if value is None:
                        continue
                    vector = model.cell(figure, t, r, row, c, scope, period, table)
                    if vector is None:
                        continue
                    if row.kind == "days":
                        count = row.counts[c]
                        if value is SUPPRESSED or count is SUPPRESSED:
                            value = SUPPRESSED
                        else:
                            value = int(Fraction(value) * count)
                    yield vector, value, (period.code, scope, figure.key, table.caption, row.label, "KMT"[c])


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    call_command("seed_demo", "--households", "40", "--seed", "7", "--cases", "40", "--associations", "0", stdout=StringIO())
    refresh.refresh_years([YEAR - 1, YEAR])


def test_no_differencing_attack_gives_a_hidden_value_back(demo):
    units = list(Unit.objects.order_by("id"))
    assert len(units) >= 2
    switch = Municipality.objects.get().equal_split_from
    periods = _periods(_month(_month_index(switch.replace(day=1)) - 12))
    scopes = [None, *units]

    def reports(threshold):
        return {(period, unit.pk if unit else None): build_report(period=period, unit=unit, threshold=threshold)
                for period in periods for unit in scopes}

    truth = reports(1)
    # where someone is counted in two units, the whole is less than the sum of the units
    overlaps = set()
    for (period, scope), report in truth.items():
        if scope is None:
            for figure_key, family, at in (("paid", "people", period.code), ("long_term", "long_term", None)):
                table = report.figure(figure_key).tables[0]
                for r, row in enumerate(table.rows[:1] if family == "people" else table.rows[:2]):
                    for c, gender in ((0, "F"), (1, "M")):
                        parts = sum(truth[(period, unit.pk)].figure(figure_key).tables[0].rows[r].cells[c]
                                    for unit in units)
                        if parts != row.cells[c]:
                            key = "x" if family == "people" else ["long", "shorter"][r]
                            overlaps.add((family, at or period.months()[-1], key, gender))
    model = Model([unit.pk for unit in units], switch, overlaps)

    # the model: atoms read from the units' single cells, then every cell of every report adds up
    atoms = {}
    for (period, scope), report in truth.items():
        if scope is None:
            continue
        for vector, value, where in _cells(report, model, scope, period):
            if len(vector) == 1 and next(iter(vector.values())) == 1:
                atom = next(iter(vector))
                assert atoms.setdefault(atom, value) == value, (where, atom)
    for (period, scope), report in truth.items():
        for vector, value, where in _cells(report, model, scope, period):
            assert sum(atoms.get(atom, 0) * c for atom, c in vector.items()) == value, where

    # the attack: everything shown, in every report, against everything hidden
    protected = reports(settings.LIKA_STATISTICS_THRESHOLD)
    span, hidden = Span(PRIME), []
    for (period, scope), report in protected.items():
        for vector, value, where in _cells(report, model, scope, period):
            if value is SUPPRESSED:
                hidden.append((vector, where))
            else:
                span.add(vector)
    given_away = [where for vector, where in hidden if span.contains(vector)]
    assert len(hidden) > 100  # a small municipality: much is hidden, so the attack has something to try
    assert given_away == []


# --- the three reproduced items (issue 13), each failing on the code before it ------------------

def _rows_of(report, figure, caption):
    table = next(t for t in report.figure(figure).tables if t.caption == caption)
    return {row.label: row.cells for row in table.rows}


@pytest.fixture
def refreshed(unit_a, unit_b):
    refresh.refresh_years([YEAR - 1, YEAR])  # the summary rows below are the year's, as a refresh leaves them


def test_a_units_hidden_cell_is_not_the_municipality_minus_the_other_unit(refreshed, unit_a, unit_b):
    """Reproduced: two women in Norr's individual meetings were hidden in Norr's report, while
    the whole municipality (12) and Söder (10) were shown: 12 − 10 = 2."""
    from lika.statistics.models import MeetingDay

    day = date(YEAR, 3, 10)
    for unit, women, men in ((unit_a, 2, 8), (unit_b, 10, 9)):
        MeetingDay.objects.create(day=day, unit=unit, kind="individual", gender="F", participants=women)
        MeetingDay.objects.create(day=day, unit=unit, kind="individual", gender="M", participants=men)
    caption = "Deltagare i möten efter mötets typ och kön"
    reports = {scope: _rows_of(build_report(period=Period.of_month(YEAR, 3), unit=unit), "meetings", caption)
               for scope, unit in (("whole", None), ("norr", unit_a), ("soder", unit_b))}
    norr = reports["norr"]["Enskilda möten"]
    assert norr[0] is SUPPRESSED
    for column, cell in enumerate(norr):
        if cell is SUPPRESSED:
            whole, other = reports["whole"]["Enskilda möten"][column], reports["soder"]["Enskilda möten"][column]
            assert SUPPRESSED in (whole, other), "municipality minus the other unit gives the hidden cell"


def test_the_two_tables_of_exits_do_not_give_a_hidden_count_away(refreshed, unit_a):
    """Reproduced: the two tables of "Avslut till egen försörjning" (grouped and by reason)
    each protected alone; together the hidden count of one reason follows."""
    from lika.statistics.models import ExitDay

    day = date(YEAR, 3, 10)
    for reason, women, men in (("studies", 0, 12), ("other_benefit", 2, 0), ("no_contact", 0, 9), ("other", 8, 0)):
        for gender, adults in (("F", women), ("M", men)):
            if adults:
                ExitDay.objects.create(day=day, unit=unit_a, close_reason=reason, gender=gender, adults=adults)
    figure = build_report(period=Period.of_month(YEAR, 3)).figure("exits")
    reasons = {str(label): reason for reason, label in Case.CloseReason.choices}
    groups = {"Till egen försörjning (arbete, studier, annan ersättning)": OWN,
              "Annat avslut": tuple(r for r in reasons.values() if r not in OWN), "Totalt": tuple(reasons.values())}
    span, hidden = Span(), []
    for table, rows in ((figure.tables[0], groups), (figure.tables[1], {**{k: (v,) for k, v in reasons.items()},
                                                                          "Totalt": tuple(reasons.values())})):
        for row in table.rows:
            if row.kind != "count":
                continue
            for column, cell in enumerate(row.cells):
                vector = {(reason, gender): 1 for reason in rows[row.label] for gender in GENDERS[column]}
                (hidden.append((row.label, column, vector)) if cell is SUPPRESSED else span.add(vector))
    assert hidden
    assert [(label, column) for label, column, vector in hidden if span.contains(vector)] == []


def test_custom_periods_are_whole_months_and_adjacent_ones_hide_the_month_between(refreshed, unit_a, client,
                                                                                  stina):
    """Reproduced: custom periods of days, one day apart, isolated one woman's exit.  Now a
    custom period is whole months — the page says so in Swedish, the report refuses days —
    and two ranges of months one month apart do not give that month's hidden count."""
    from lika.core.periods import PeriodError, parse_period
    from lika.statistics.models import ExitDay

    for month, women in ((1, 10), (2, 10), (3, 1)):
        ExitDay.objects.create(day=date(YEAR, month, 15), unit=unit_a, close_reason="work", gender="F",
                               adults=women)
        ExitDay.objects.create(day=date(YEAR, month, 15), unit=unit_a, close_reason="work", gender="M", adults=10)
    client.force_login(stina)
    response = client.get("/statistik/", {"typ": "custom", "ar": str(YEAR), "fran": f"{YEAR}-03-01",
                                          "till": f"{YEAR}-03-15"})
    assert response.status_code == 400 and "Ange en hel månad som ÅÅÅÅ-MM" in response.content.decode()
    with pytest.raises(PeriodError, match="hela månader"):
        build_report(period=parse_period(f"{YEAR}-03-01..{YEAR}-03-15"))
    caption = "Vuxna i avslutade ärenden efter anledning"
    label = str(Case.CloseReason.WORK.label)
    longer = _rows_of(build_report(period=parse_period(f"{YEAR}-01-01..{YEAR}-03-31")), "exits", caption)[label]
    shorter = _rows_of(build_report(period=parse_period(f"{YEAR}-01-01..{YEAR}-02-28")), "exits", caption)[label]
    assert shorter[0] == 20
    assert longer[0] is SUPPRESSED  # or 21 − 20 would be March's one woman
    response = client.get("/statistik/", {"typ": "custom", "ar": str(YEAR), "fran": f"{YEAR}-01", "till": f"{YEAR}-03"})
    assert response.status_code == 200 and "1 jan 2026–31 mar 2026" in response.content.decode()


def test_protecting_every_unit_together_reads_a_fixed_number_of_queries(refreshed, unit_a, unit_b, municipality):
    """The units are counted in the same grouped queries, not one report per unit: a unit's
    report reads as many queries with five units as with two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lika.statistics.models import ExitDay, MeetingDay

    def add_rows(unit):
        MeetingDay.objects.create(day=date(YEAR, 3, 10), unit=unit, kind="joint", gender="F", participants=3)
        ExitDay.objects.create(day=date(YEAR, 3, 10), unit=unit, close_reason="work", gender="M", adults=2)

    def queries():
        build_report(period=Period.of_year(YEAR), unit=unit_a)  # warm: the refresh times are read alike
        with CaptureQueriesContext(connection) as captured:
            build_report(period=Period.of_year(YEAR), unit=unit_a)
        return len(captured.captured_queries)

    add_rows(unit_a)
    add_rows(unit_b)
    two = queries()
    for code in ("c", "d", "e"):
        add_rows(Unit.objects.create(municipality=municipality, name=f"Enhet {code}", code=code))
    assert queries() == two
