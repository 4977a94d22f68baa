"""The key figures (docs/kpi.md), computed in the database and protected against
disclosure before anyone sees them.

Every query here is an aggregate: it returns grouped rows, never persons.  Every figure
reads the summary tables that ``lika.statistics.refresh`` writes (monthly for money and
decisions, by day for plans, activities, meetings and closed cases), never the case or
payment tables themselves, **for every unit and by month**: each month is protected for
all units and the whole municipality together, and a longer period shows a cell only
where every month does (``lika.statistics.linked``; docs/kpi.md, "Linked tables").
``build_report`` puts them together as a plain :class:`~lika.statistics.report.Report`,
which the page, the exports and the KPI export all render.
"""

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lika.accounts.models import Municipality
from lika.accounts.settings import current as current_setting
from lika.cases.decisions import SHARED_ACCOUNT, single_recipient_reasons
from lika.cases.models import Case, SupportObstacle
from lika.core.disclosure import (
    GENDERS,
    SUPPRESSED,
    TOTAL_ROW,
    TableShape,
    hide_also,
    link_sum,
    share,
)
from lika.core.periods import CUSTOM, YEAR, Period, PeriodError
from lika.payments.models import PaymentHold
from lika.plans.models import PlanActivity

from .linked import F, M, Monthly, as_date, fetch, month_sql, protect
from .refresh import ensure_years
from .report import Chart, ChartSeries, Figure, Report, Row, Table

# Leaving support for work, studies or another benefit (issue 14 named the benefits apart, as
# the register's reasons for leaving do: docs/formats.md).
SELF_SUFFICIENCY = (Case.CloseReason.WORK, Case.CloseReason.WORK_SUBSIDISED, Case.CloseReason.STUDIES,
                    Case.CloseReason.UNEMPLOYMENT_BENEFIT, Case.CloseReason.ESTABLISHMENT,
                    Case.CloseReason.SICKNESS_BENEFIT, Case.CloseReason.PARENTAL_BENEFIT, Case.CloseReason.PENSION,
                    Case.CloseReason.OTHER_BENEFIT)
MONTH_NAMES = (gettext_noop("jan"), gettext_noop("feb"), gettext_noop("mar"), gettext_noop("apr"),
               gettext_noop("maj"), gettext_noop("jun"), gettext_noop("jul"), gettext_noop("aug"),
               gettext_noop("sep"), gettext_noop("okt"), gettext_noop("nov"), gettext_noop("dec"))

# KPI ids (Kolada-like) → (Swedish title, kind).  Stable: other municipalities' files use them.
KPI_CATALOGUE = {
    "LIKA_PAID_RECIPIENTS": (gettext_lazy("Personer som fått utbetalt bistånd"), "count"),
    "LIKA_PAID_KRONOR": (gettext_lazy("Utbetalt bistånd, kronor"), "kronor"),
    "LIKA_PAID_SHARE_WOMEN": (gettext_lazy("Andel av utbetalt bistånd som nått kvinnor"), "percent"),
    "LIKA_COUPLES_EQUAL_SHARE": (gettext_lazy("Andel beslut till par med delad utbetalning"), "percent"),
    "LIKA_EXCEPTIONS": (gettext_lazy("Beslut med utbetalning till en vuxen (särskilda skäl), efter mottagarens kön"), "count"),
    "LIKA_DELIVERED_BOTH_SHARE": (gettext_lazy("Andel beslut till par som nått båda vuxna"), "percent"),
    "LIKA_PROCESSING_DAYS": (gettext_lazy("Genomsnittlig handläggningstid, dagar, efter sökandens kön"), "days"),
    "LIKA_APPLICANTS": (gettext_lazy("Sökande (beslutade ansökningar)"), "count"),
    "LIKA_REGISTERLEDARE": (gettext_lazy("Registerledare (samma ansökningar)"), "count"),
    "LIKA_PLAN_30_SHARE": (gettext_lazy("Andel vuxna med egen plan inom 30 dagar"), "percent"),
    "LIKA_ACTIVITIES": (gettext_lazy("Aktiviteter som startat"), "count"),
    "LIKA_MEETINGS_INDIVIDUAL": (gettext_lazy("Deltagare i enskilda möten"), "count"),
    "LIKA_MEETINGS_JOINT": (gettext_lazy("Deltagare i gemensamma möten"), "count"),
    "LIKA_LONG_TERM": (gettext_lazy("Personer med långvarigt bistånd (10–12 av 12 månader)"), "count"),
    "LIKA_EXITS_SELF_SUFFICIENCY": (gettext_lazy("Vuxna som lämnat biståndet för egen försörjning"), "count"),
    # Issue 15: grants to associations, all grant givers together (lika.grants.analysis_kpi)
    "LIKA_GRANTS_PARTICIPANTS_CHILDREN": (gettext_lazy("Deltagare under 18 år i föreningar med bidrag"), "count"),
    "LIKA_GRANTS_PARTICIPANT_SHARE_CHILDREN": (gettext_lazy("Flickors och pojkars andel av deltagarna under 18 år"),
                                               "percent"),
    "LIKA_GRANTS_MONEY_SHARE_CHILDREN": (
        gettext_lazy("Flickors och pojkars andel av bidraget till deltagare under 18 år"), "percent"),
    "LIKA_GRANTS_PARTICIPANTS_ADULTS": (gettext_lazy("Deltagare 18 år och äldre i föreningar med bidrag"), "count"),
    "LIKA_GRANTS_PARTICIPANT_SHARE_ADULTS": (gettext_lazy("Kvinnors och mäns andel av deltagarna 18 år och äldre"),
                                             "percent"),
    "LIKA_GRANTS_MONEY_SHARE_ADULTS": (
        gettext_lazy("Kvinnors och mäns andel av bidraget till deltagare 18 år och äldre"), "percent"),
}


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _months(first: date, last: date) -> list[date]:
    return [_month_of(i) for i in range(_month_index(first), _month_index(last) + 1)]


def _month_label(day: date) -> str:
    """"jan 2026" in the active language (a report names each month several times)."""
    key = (translation.get_language(), day.year, day.month)
    label = _MONTH_LABELS.get(key)
    if label is None:
        label = _MONTH_LABELS[key] = f"{_(MONTH_NAMES[day.month - 1])} {day.year}"
    return label


_MONTH_LABELS: dict[tuple, str] = {}


@dataclass(frozen=True)
class Scope:
    period: Period
    unit_id: int | None
    threshold: int

    @cached_property  # asked for by every figure
    def months(self) -> list[date]:
        return self.period.months()


# --- protected tables -------------------------------------------------------------------

def _triple(cells: dict, table: str, row: str) -> tuple:
    return tuple(cells[(table, row, g)] for g in GENDERS)


def _rows(cells: dict, table: str, labelled, *, total=True, kpis=None) -> tuple[Row, ...]:
    """Count rows of ``table`` from protected cells; ``labelled`` is [(row key, label)];
    ``kpis`` maps a row key (or TOTAL_ROW) to a KPI id."""
    kpis = kpis or {}
    out = [Row(str(label), "count", _triple(cells, table, key), counts=_triple(cells, table, key),
               kpi=kpis.get(key)) for key, label in labelled]
    if total:
        triple = _triple(cells, table, TOTAL_ROW)
        out.append(Row(_("Totalt"), "count", triple, counts=triple, kpi=kpis.get(TOTAL_ROW), total=True))
    return tuple(out)


def _pair_rows(cells: dict, table: str, labels, *, kpi_share=None, share_label="") -> tuple[Row, ...]:
    """Two categories that add up to a total (e.g. equal split / one recipient), kept in
    ``K`` and ``M`` of one row so that the total cannot reveal a hidden one: T-only rows
    and the share of the first."""
    first, second, total = _triple(cells, table, "x")
    rows = [Row(labels[0], "count", (None, None, first)), Row(labels[1], "count", (None, None, second)),
            Row(_("Totalt"), "count", (None, None, total), total=True)]
    if share_label:
        rows.append(Row(share_label, "percent", (None, None, share(first, total)),
                        counts=(None, None, total), kpi=kpi_share))
    return tuple(rows)


def _shares(numerators: tuple, denominators: tuple) -> tuple:
    return tuple(share(a, b) for a, b in zip(numerators, denominators, strict=True))


def _series(points_k, points_m):
    return (ChartSeries(_("Kvinnor"), "K", tuple(points_k)), ChartSeries(_("Män"), "M", tuple(points_m)))


def _bars_from(table: Table, title: str, kind: str, *, skip_total=True) -> Chart:
    rows = [row for row in table.rows if not (skip_total and row.total) and row.kind == kind]
    return Chart("bars", title, kind, _series([(r.label, r.cells[0]) for r in rows],
                                               [(r.label, r.cells[1]) for r in rows]))


def _in_months(scope: Scope, column: str, *, day: bool) -> tuple[str, str, list]:
    """(the month of a row in SQL, the WHERE for the period's months, its parameters): every
    unit, so that the units are protected together."""
    first, last = scope.months[0], scope.months[-1]
    if day:
        return month_sql(column), f"{column} >= %s AND {column} <= %s", [first, _month_end(last)]
    return column, f"{column} >= %s AND {column} <= %s", [first, last]


def _month_end(month: date) -> date:
    return _month_of(_month_index(month) + 1) - timedelta(days=1)


# --- money (PersonYear) -------------------------------------------------------------------

PAID = (TableShape("paid", ("people",), total_row=False),)


def _money_by_month(years) -> tuple[Monthly, dict]:
    """Persons paid and öre by month, unit and gender over the given calendar years (from
    the monthly aggregate), and {month: öre} of direct payments (no person) by unit."""
    monthly, direct = Monthly(), defaultdict(lambda: defaultdict(int))
    if not years:
        return monthly, direct
    rows = fetch("SELECT month, unit_id, gender, SUM(people), SUM(amount) FROM statistics_paymentmonth "
                 "WHERE month >= %s AND month <= %s GROUP BY month, unit_id, gender",
                 [date(min(years), 1, 1), date(max(years), 12, 1)])
    for month, unit, gender, people, amount in rows:
        if not amount:
            continue
        if gender in (F, M):
            monthly.add(month, unit, ("paid", "people"), gender, people, amount)
        else:
            direct[as_date(month)][unit] += int(amount)
    return monthly, direct


def _recipients(scope: Scope) -> tuple[dict, dict, int]:
    """Distinct people paid in the period by unit and by the whole municipality (someone
    paid by two units counts once there): ({unit: {(table, row): (women, men)}}, the whole,
    öre of direct payments to the scope)."""
    amount, where, params = _window_sql(scope.months)
    inner = f"SELECT unit_id, gender, person_id, {amount} AS amount FROM statistics_personyear WHERE {where}"
    count = "COUNT(DISTINCT person_id), SUM(amount)"
    if connection.vendor == "postgresql":
        sql = (f"SELECT unit_id, gender, GROUPING(unit_id), {count} FROM ({inner}) t WHERE amount > 0 "
               f"GROUP BY GROUPING SETS ((unit_id, gender), (gender))")
    else:
        sql = (f"SELECT unit_id, gender, 0, {count} FROM ({inner}) t WHERE amount > 0 GROUP BY unit_id, gender "
               f"UNION ALL SELECT NULL, gender, 1, {count} FROM ({inner}) t WHERE amount > 0 GROUP BY gender")
        params = [*params, *params]
    units, whole, direct = defaultdict(lambda: {("paid", "people"): [0, 0]}), {("paid", "people"): [0, 0]}, 0
    for unit, gender, grouped, people, total in fetch(sql, params):
        if gender not in (F, M):
            if grouped and scope.unit_id is None or not grouped and unit == scope.unit_id:
                direct += int(total or 0)
            continue
        target = whole if grouped else units[unit]
        target[("paid", "people")][0 if gender == F else 1] = int(people)
    return ({unit: {key: tuple(pair) for key, pair in rows.items()} for unit, rows in units.items()},
            {key: tuple(pair) for key, pair in whole.items()}, direct)


def _window_sql(months: list[date]) -> tuple[str, str, list]:
    """The amount of a PersonYear row within ``months`` (a SQL expression) and the WHERE."""
    by_year = defaultdict(list)
    for month in months:
        by_year[month.year].append(month.month)
    sums = {int(year): " + ".join(f"m{m:02d}" for m in sorted(ms)) for year, ms in sorted(by_year.items())}
    if len(sums) == 1:  # a period within one year (every named period): no CASE to evaluate per row
        (year, amount), = sums.items()
        return amount, f"year = {year}", []
    cases = " ".join(f"WHEN year = {year} THEN {amount}" for year, amount in sums.items())
    return f"CASE {cases} ELSE 0 END", f"year IN ({', '.join(map(str, sums))})", []


def months_not_paid_yet(months, today: date, counts: dict, direct_by_month: dict) -> set:
    """The months without any payment yet that are not over: the current month too (its run
    may not have been made), so the chart does not draw them as a drop to zero (issue 17)."""
    this_month = today.replace(day=1)
    return {month for month in months if month >= this_month
            and not counts.get(month) and not direct_by_month.get(month)}


def figure_paid(scope: Scope, money: Monthly, direct_by_month: dict) -> Figure:
    units, whole, direct = _recipients(scope)
    protected = protect(units, PAID, whole=whole, threshold=scope.threshold)
    people = protected.get(scope.unit_id) or {key: 0 for key in protected[None]}
    _month_counts, kronor = money.period_cells(scope.months, scope.unit_id, PAID, (), scope.threshold)
    kronor = hide_also(kronor, people)  # also where the period's count of people is hidden
    count_cells, amount_cells = _triple(people, "paid", "people"), _triple(kronor, "paid", "people")
    rows = [
        Row(_("Personer som fått utbetalt"), "count", count_cells, counts=count_cells, kpi="LIKA_PAID_RECIPIENTS"),
        Row(_("Utbetalt"), "kronor", amount_cells, counts=count_cells, kpi="LIKA_PAID_KRONOR"),
        Row(_("Andel av beloppet"), "percent", _shares(amount_cells, (amount_cells[2],) * 3),
            counts=count_cells, kpi="LIKA_PAID_SHARE_WOMEN"),
    ]
    tables = [Table(_("Utbetalt bistånd efter mottagarens kön"), tuple(rows),
                    note=_("Direktbetalningar till hyresvärd m.fl. (ingen person tar emot pengarna): %(kronor)s kr.")
                    % {"kronor": f"{direct // 100:,}".replace(",", "\u00a0")})]
    # month by month: amounts hidden where the month's counts are (every unit together)
    months = scope.months
    waiting = months_not_paid_yet(months, timezone.localdate(), money.counts, direct_by_month)
    monthly_cells = []
    for month in months:
        cells = (None, None, None) if month in waiting else _triple(
            money.month_cells(month, scope.unit_id, PAID, (), scope.threshold)[1], "paid", "people")
        monthly_cells.append((_month_label(month), cells))
    drawn = [(label, cells) for month, (label, cells) in zip(months, monthly_cells, strict=True)
             if month not in waiting] or monthly_cells
    chart = Chart("line" if len(drawn) > 1 else "bars", _("Utbetalt per månad, kronor"), "kronor",
                  _series([(label, cells[0]) for label, cells in drawn], [(label, cells[1]) for label, cells in drawn]))
    if len(months) > 1:
        tables.append(Table(_("Utbetalt per månad, kronor"),
                            tuple(Row(label, "kronor", cells) for label, cells in monthly_cells)))
    return Figure("paid", _("Utbetalt bistånd"),
                  _("Pengar i betalningsordrar från attesterade utbetalningskörningar (ej avvisade eller "
                  "returnerade), efter kön hos den person som tog emot pengarna; personer räknas en gång."),
                  tuple(tables), chart)


def figure_before_after(scope: Scope, municipality: Municipality | None, money: Monthly) -> Figure | None:
    switch = municipality.equal_split_from if municipality else None
    if switch is None:
        return None
    start = switch.replace(day=1)
    today_month = timezone.localdate().replace(day=1)
    before = _months(_month_of(_month_index(start) - 12), _month_of(_month_index(start) - 1))
    after = [m for m in _months(start, _month_of(_month_index(start) + 11)) if m < today_month] or [start]
    labels = (_("Före: %(first)s–%(last)s") % {"first": _month_label(before[0]), "last": _month_label(before[-1])},
              _("Efter: %(first)s–%(last)s") % {"first": _month_label(after[0]), "last": _month_label(after[-1])})
    rows = []
    for label, months in zip(labels, (before, after), strict=True):
        # a window is a period of whole months: shown only where every month is
        amounts = _triple(money.period_cells(months, scope.unit_id, PAID, (), scope.threshold)[1], "paid", "people")
        rows.append(Row(_("%(window)s, kronor") % {"window": label}, "kronor", amounts))
        rows.append(Row(_("%(window)s, andel") % {"window": label}, "percent",
                        (share(amounts[0], amounts[2]), share(amounts[1], amounts[2]), None)))
    series_k, series_m = [], []
    for month in [*before, *after]:
        women, men, total = _triple(money.month_cells(month, scope.unit_id, PAID, (), scope.threshold)[1],
                                    "paid", "people")
        series_k.append((_month_label(month), share(women, total)))
        series_m.append((_month_label(month), share(men, total)))
    chart = Chart("line", _("Andel av utbetalt bistånd per månad, före och efter delad utbetalning"), "percent",
                  _series(series_k, series_m))
    return Figure("before_after", _("Före och efter delad utbetalning"),
                  _("Andelen av de utbetalda pengarna som nått kvinnor respektive män, tolv månader före "
                    "och upp till tolv månader efter att kommunen införde delad utbetalning "
                    "(%(day)s); oberoende av vald period.") % {"day": f"{switch:%Y-%m-%d}"},
                  (Table(_("Utbetalt före och efter"), tuple(rows)),), chart)


LONG_TERM = (TableShape("long_term", ("long", "shorter")),)


def figure_long_term(scope: Scope) -> Figure:
    """From ``LongTermMonth`` at the period's last month: every unit, and the whole
    municipality (unit null: someone paid by two units counts once), protected together."""
    rows = fetch("SELECT unit_id, gender, SUM(long_term), SUM(paid) FROM statistics_longtermmonth "
                 "WHERE month = %s GROUP BY unit_id, gender", [scope.months[-1]])
    units, whole = defaultdict(dict), {}
    for unit, gender, long, anyone in rows:
        if gender not in (F, M):
            continue
        target = whole if unit is None else units[unit]
        side = 0 if gender == F else 1
        for key, value in (("long", int(long)), ("shorter", int(anyone) - int(long))):
            pair = list(target.get(("long_term", key), (0, 0)))
            pair[side] = value
            target[("long_term", key)] = tuple(pair)
    protected = protect(dict(units), LONG_TERM, whole=whole, threshold=scope.threshold)
    cells = protected.get(scope.unit_id) or {key: 0 for key in protected[None]}
    table_rows = _rows(cells, "long_term", [("long", _("Långvarigt bistånd")), ("shorter", _("Kortare tid"))],
                       kpis={"long": "LIKA_LONG_TERM"})
    caption = _("Personer med bistånd 10–12 av de senaste 12 månaderna")
    table = Table(caption, table_rows)
    rows = (*table_rows, Row(_("Andel med långvarigt bistånd"), "percent",
                             _shares(_triple(cells, "long_term", "long"), _triple(cells, "long_term", TOTAL_ROW))))
    return Figure("long_term", _("Långvarigt bistånd"),
                  _("Personer som fått utbetalt bistånd minst 10 av de 12 kalendermånader som slutar med "
                  "periodens sista månad, bland alla som fått utbetalt någon av dessa månader."),
                  (Table(caption, rows),), _bars_from(table, _("Personer efter tid med bistånd"), "count"))


# --- decisions (DecidedApplication) ----------------------------------------------------------

UNKNOWN_REASON = "?"
# The current decision of an application: bifall; delvis bifall (a line partly granted or
# refused, e.g. a rent limited by the guideline for skälig boendekostnad); avslag (0 kr).
OUTCOMES = ("granted", "partly", "refused")


def _decision_shapes() -> tuple[tuple[TableShape, ...], tuple]:
    """The tables of the three decision figures, protected together: the exceptions by
    reason add up to the couples paid to one adult, the applicants and the registerledare
    are the same applications, and the decided applications of the processing time are
    (as good as) the applicants."""
    # "gemensamt konto" (issue 14) pays both adults, never one: not a reason of this table
    reasons = (*single_recipient_reasons(), UNKNOWN_REASON)
    shapes = (TableShape("split", ("x",), total_row=False), TableShape("exceptions", reasons),
              TableShape("delivered", ("x",), total_row=False), TableShape("time", ("decided",), total_row=False),
              TableShape("leaders", ("applicants", "registerledare"), total_row=False),
              TableShape("outcomes", OUTCOMES))
    links = (((("exceptions", TOTAL_ROW, "T"),), ("split", "x", "M")),
             ((("leaders", "applicants", "T"),), ("leaders", "registerledare", "T")),
             *(((("time", "decided", g),), ("leaders", "applicants", g)) for g in GENDERS),
             # the outcomes of the decided applications add up to the applicants
             *(((("outcomes", TOTAL_ROW, g),), ("leaders", "applicants", g)) for g in GENDERS))
    return shapes, links


def _decisions_by_month(scope: Scope) -> Monthly:
    groups = ("applicant_gender, registerledare_gender, adults, paid, payment_mode, exception_reason, "
              "single_recipient_gender, delivered_to_all, outcome")
    month, where, params = _in_months(scope, "month", day=False)
    rows = fetch(f"SELECT {month}, unit_id, {groups}, SUM(applications), SUM(timed), SUM(processing_days) "
                 f"FROM statistics_decisionmonth WHERE {where} GROUP BY {month}, unit_id, {groups}", params)
    known = single_recipient_reasons()
    data = Monthly()
    for (month, unit, applicant, leader, adults, paid, mode, reason, single_gender, delivered_all,
         outcome, count, timed, day_sum) in rows:
        count, timed = int(count), int(timed or 0)
        data.add(month, unit, ("leaders", "applicants"), applicant, count)
        data.add(month, unit, ("outcomes", outcome if outcome in OUTCOMES else "granted"), applicant, count)
        data.add(month, unit, ("leaders", "registerledare"), leader, count)
        data.add(month, unit, ("time", "decided"), applicant, timed, int(day_sum or 0))
        if adults >= 2:
            data.add(month, unit, ("delivered", "x"), F if delivered_all else M, count)
            if paid:
                data.add(month, unit, ("split", "x"), M if mode == "single" else F, count)
                if mode == "single":
                    data.add(month, unit, ("exceptions", reason if reason in known else UNKNOWN_REASON),
                             single_gender, count)
    return data


def figures_decisions(scope: Scope) -> list[Figure]:
    shapes, links = _decision_shapes()
    cells, days = _decisions_by_month(scope).period_cells(scope.months, scope.unit_id, shapes, links, scope.threshold)
    split_table = Table(_("Beslut till par där bistånd beviljats"), _pair_rows(
        cells, "split", (_("Delad utbetalning"), _("Till en vuxen (särskilda skäl)")),
        kpi_share="LIKA_COUPLES_EQUAL_SHARE", share_label=_("Andel med delad utbetalning")))
    known = single_recipient_reasons()
    labelled = [(reason, known[reason]) for reason in known]
    if cells[("exceptions", UNKNOWN_REASON, "T")] != 0:
        labelled.append((UNKNOWN_REASON, _("Okänt skäl")))
    exception_table = Table(_("Utbetalning till en vuxen, efter särskilt skäl och mottagarens kön"),
                            _rows(cells, "exceptions", labelled, kpis={TOTAL_ROW: "LIKA_EXCEPTIONS"}))
    split = Figure("couples", _("Par: delad utbetalning och undantag"),
                   _("Beslut (gällande beslut per ansökan) för hushåll med två vuxna där bistånd beviljats, "
                   "för ansökningsmånader i perioden; undantag efter det särskilda skälet och efter kön hos "
                   "den som fick hela beloppet."),
                   (split_table, exception_table),
                   _bars_from(exception_table, _("Utbetalning till en vuxen, efter skäl"), "count"))

    delivered_table = Table(_("Beslut till par"), _pair_rows(
        cells, "delivered", (_("Skickat eller lämnat till båda"), _("Inte till båda")),
        kpi_share="LIKA_DELIVERED_BOTH_SHARE", share_label=_("Andel som nått båda")))
    counts = _triple(cells, "time", "decided")
    day_sums = _triple(days, "time", "decided")
    averages = tuple(SUPPRESSED if SUPPRESSED in (c, d) else (Fraction(d, c) if c else None)
                     for c, d in zip(counts, day_sums, strict=True))
    time_rows = (*_rows(cells, "time", [("decided", _("Beslutade ansökningar"))], total=False),
                 Row(_("Genomsnittlig handläggningstid, dagar"), "days", averages, counts=counts,
                     kpi="LIKA_PROCESSING_DAYS"))
    outcome_table = Table(_("Beslutade ansökningar efter utfall och sökandens kön"), _rows(
        cells, "outcomes", [("granted", _("Bifall")), ("partly", _("Delvis bifall")), ("refused", _("Avslag"))]))
    decisions = Figure("decisions", _("Beslut: till båda, handläggningstid och utfall"),
                       _("Andel beslut till par där beslutet skickats eller lämnats till båda vuxna; "
                       "handläggningstid från ansökans inkomstdag till första beslutet, efter sökandens kön; "
                       "utfall av det gällande beslutet: bifall, delvis bifall (någon post beviljad delvis "
                       "eller avslagen, till exempel en hyra över kommunens riktlinje för skälig "
                       "boendekostnad) eller avslag (inget bistånd)."),
                       (delivered_table, Table(_("Beslutade ansökningar efter sökandens kön"), time_rows),
                        outcome_table),
                       Chart("bars", _("Genomsnittlig handläggningstid, dagar"), "days",
                             _series([(_("Handläggningstid"), averages[0])], [(_("Handläggningstid"), averages[1])])))

    leader_table = Table(_("Beslutade ansökningar: sökande och registerledare efter kön"), _rows(
        cells, "leaders", [("applicants", _("Sökande")), ("registerledare", _("Registerledare"))], total=False,
        kpis={"applicants": "LIKA_APPLICANTS", "registerledare": "LIKA_REGISTERLEDARE"}))
    leaders = Figure("registerledare", _("Registerledare och sökande"),
                     _("För samma beslutade ansökningar: kön hos den som sökte och hos ärendets registerledare "
                     "(den som sökte först, aldrig vald efter kön)."),
                     (leader_table,), _bars_from(leader_table, _("Sökande och registerledare"), "count",
                                                 skip_total=False))
    return [split, decisions, leaders]


def _simple_monthly(scope: Scope, table: str, column: str, value: str, key: str, *, day: bool) -> Monthly:
    """``SELECT month, unit, <column>, gender, SUM(<value>)`` of a summary table, every unit."""
    month, where, params = _in_months(scope, "day" if day else "month", day=day)
    data = Monthly()
    for month_value, unit, category, gender, n in fetch(
            f"SELECT {month}, unit_id, {column}, gender, SUM({value}) FROM {table} WHERE {where} "
            f"GROUP BY {month}, unit_id, {column}, gender", params):
        data.add(month_value, unit, (key, category), gender, int(n or 0))
    return data


def figure_obstacles(scope: Scope) -> Figure:
    shape = (TableShape("obstacles", tuple(SupportObstacle.Category.values)),)
    data = _simple_monthly(scope, "statistics_obstaclemonth", "category", "adults", "obstacles", day=False)
    cells, _amounts = data.period_cells(scope.months, scope.unit_id, shape, (), scope.threshold)
    table = Table(_("Vuxenmånader efter försörjningshinder och kön"),
                  _rows(cells, "obstacles", SupportObstacle.Category.choices))
    return Figure("obstacles", _("Försörjningshinder"),
                  _("Vuxna i beviljade ansökningar efter registrerat försörjningshinder, räknat per "
                  "ansökningsmånad (en person som fått bistånd tre månader räknas tre gånger)."),
                  (table,), _bars_from(table, _("Vuxenmånader efter försörjningshinder"), "count"))


def figure_shared_accounts(scope: Scope) -> Figure:
    """Issue 14: an equal split whose two halves go into one account reaches one person.
    Counted from the payment run's holds (each adult whose half was held for it, by the
    run's month) and from the exceptions "gemensamt konto" that start in the period, by the
    gender of the adult whose account receives both halves.  Small tables: read live,
    protected like every other figure."""
    data = Monthly()
    month, where, params = _in_months(scope, "r.month", day=False)
    for month_value, unit, gender, n in fetch(
            f"SELECT {month}, c.unit_id, p.legal_gender, COUNT(DISTINCT h.share_id) "
            "FROM payments_paymenthold h JOIN payments_paymentrun r ON r.id = h.run_id "
            "JOIN cases_decisionshare s ON s.id = h.share_id JOIN households_person p ON p.id = s.person_id "
            "JOIN cases_decision d ON d.id = h.decision_id JOIN cases_application a ON a.id = d.application_id "
            f"JOIN cases_case c ON c.id = a.case_id WHERE h.reason = %s AND {where} "
            f"GROUP BY {month}, c.unit_id, p.legal_gender", [PaymentHold.Reason.SHARED_ACCOUNT.value, *params]):
        data.add(month_value, unit, ("shared", "held"), gender, int(n))
    month, where, params = _in_months(scope, "e.valid_from", day=True)
    for month_value, unit, gender, n in fetch(
            f"SELECT {month}, c.unit_id, p.legal_gender, COUNT(*) FROM cases_paymentexception e "
            "JOIN cases_case c ON c.id = e.case_id JOIN households_person p ON p.id = e.recipient_id "
            f"WHERE e.reason = %s AND e.status = %s AND {where} GROUP BY {month}, c.unit_id, p.legal_gender",
            [SHARED_ACCOUNT, "approved", *params]):
        data.add(month_value, unit, ("shared", "approved"), gender, int(n))
    shape = (TableShape("shared", ("held", "approved"), total_row=False),)
    cells, _amounts = data.period_cells(scope.months, scope.unit_id, shape, (), scope.threshold)
    table = Table(_("Båda halvorna till samma konto, efter kön"), _rows(cells, "shared", [
        ("held", _("Vuxna vars halva hölls inne: båda halvorna skulle till samma konto")),
        ("approved", _("Godkända undantag för gemensamt konto, efter kön hos den som äger kontot"))], total=False))
    return Figure("shared_account", _("Delad utbetalning till ett och samma konto"),
                  _("En delad utbetalning där båda halvorna går till samma konto når bara en person: "
                    "utbetalningskörningen håller inne båda halvorna tills varje vuxen har ett eget konto "
                    "eller enhetschefen godkänt ett undantag. Vuxna vars halva hölls inne av det skälet, "
                    "per körningens månad, och godkända undantag som börjar gälla i perioden."),
                  (table,))


# --- plans, activities, meetings, exits (the day tables, counted by month) -------------------------

def figure_plans(scope: Scope) -> Figure:
    days = current_setting("plan_days")
    month, where, params = _in_months(scope, "day", day=True)
    data = _simple_monthly(scope, "statistics_activityday", "kind", "activities", "activities", day=True)
    for month_value, unit, gender, adults, with_plan in fetch(
            f"SELECT {month}, unit_id, gender, SUM(adults), SUM(with_plan) FROM statistics_newcaseday "
            f"WHERE {where} GROUP BY {month}, unit_id, gender", params):
        data.add(month_value, unit, ("plans", "with"), gender, int(with_plan or 0))
        data.add(month_value, unit, ("plans", "without"), gender, int(adults) - int(with_plan or 0))
    shapes = (TableShape("plans", ("with", "without")), TableShape("activities", tuple(PlanActivity.Kind.values)))
    cells, _amounts = data.period_cells(scope.months, scope.unit_id, shapes, (), scope.threshold)
    plan_rows = _rows(cells, "plans", [("with", _("Med egen plan")), ("without", _("Utan egen plan"))])
    total = _triple(cells, "plans", TOTAL_ROW)
    rows = (*plan_rows, Row(_("Andel med egen plan inom %(days)s dagar") % {"days": days}, "percent",
                            _shares(_triple(cells, "plans", "with"), total), counts=total, kpi="LIKA_PLAN_30_SHARE"))
    activities = Table(_("Aktiviteter som startat i perioden, efter slag och deltagarens kön"),
                       _rows(cells, "activities", PlanActivity.Kind.choices, kpis={TOTAL_ROW: "LIKA_ACTIVITIES"}))
    return Figure("plans", _("Egen plan och aktiviteter"),
                  _("Vuxna i hushåll vars ärende aktualiserats i perioden som har en egen genomförandeplan "
                    "skapad senast %(days)s dagar efter aktualiseringen; aktiviteter i planerna som startat i "
                    "perioden (ej avbrutna), efter slag och kön.") % {"days": days},
                  (Table(_("Vuxna i ärenden som aktualiserats i perioden: egen plan inom %(days)s dagar")
                         % {"days": days}, rows), activities),
                  _bars_from(activities, _("Aktiviteter efter slag och kön"), "count"))


def figure_meetings(scope: Scope) -> Figure:
    shape = (TableShape("meetings", ("individual", "joint")),)
    data = _simple_monthly(scope, "statistics_meetingday", "kind", "participants", "meetings", day=True)
    cells, _amounts = data.period_cells(scope.months, scope.unit_id, shape, (), scope.threshold)
    table = Table(_("Deltagare i möten efter mötets typ och kön"), _rows(
        cells, "meetings", [("individual", _("Enskilda möten")), ("joint", _("Gemensamma möten"))],
        kpis={"individual": "LIKA_MEETINGS_INDIVIDUAL", "joint": "LIKA_MEETINGS_JOINT"}))
    return Figure("meetings", _("Möten: enskilda och gemensamma"),
                  _("Möten som hållits i perioden; varje deltagare räknas en gång per möte, efter kön."),
                  (table,), _bars_from(table, _("Deltagare i möten"), "count"))


def _exit_shapes() -> tuple[tuple[TableShape, ...], tuple]:
    """The two tables of "Avslut till egen försörjning" are one table at two levels: the
    reasons add up to their group, and both have the same total."""
    reasons = tuple(Case.CloseReason.values)
    own = [("reasons", r) for r in reasons if r in SELF_SUFFICIENCY]
    other = [("reasons", r) for r in reasons if r not in SELF_SUFFICIENCY]
    links = (*link_sum(own, ("grouped", "own")), *link_sum(other, ("grouped", "other")),
             *link_sum([("reasons", TOTAL_ROW)], ("grouped", TOTAL_ROW)))
    return (TableShape("grouped", ("own", "other")), TableShape("reasons", reasons)), links


def figure_exits(scope: Scope) -> Figure:
    shapes, links = _exit_shapes()
    data = _simple_monthly(scope, "statistics_exitday", "close_reason", "adults", "reasons", day=True)
    for units in data.counts.values():
        for rows in units.values():
            for group, members in (("own", SELF_SUFFICIENCY),
                                   ("other", [r for r in Case.CloseReason.values if r not in SELF_SUFFICIENCY])):
                pairs = [rows.get(("reasons", r), (0, 0)) for r in members]
                rows[("grouped", group)] = [sum(p[0] for p in pairs), sum(p[1] for p in pairs)]
    cells, _amounts = data.period_cells(scope.months, scope.unit_id, shapes, links, scope.threshold)
    own_label = _("Till egen försörjning (arbete, studier, annan ersättning)")
    grouped = _rows(cells, "grouped", [("own", own_label), ("other", _("Annat avslut"))],
                    kpis={"own": "LIKA_EXITS_SELF_SUFFICIENCY"})
    share_row = Row(_("Andel till egen försörjning"), "percent",
                    _shares(_triple(cells, "grouped", "own"), _triple(cells, "grouped", TOTAL_ROW)))
    reasons_table = Table(_("Vuxna i avslutade ärenden efter anledning"),
                          _rows(cells, "reasons", Case.CloseReason.choices))
    return Figure("exits", _("Avslut till egen försörjning"),
                  _("Vuxna i hushåll vars ärende avslutats i perioden, efter anledningen till avslutet; "
                  "egen försörjning är arbete, studier med studiemedel eller annan ersättning."),
                  (Table(_("Vuxna i avslutade ärenden"), (*grouped, share_row)), reasons_table),
                  _bars_from(reasons_table, _("Avslut efter anledning"), "count"))


# --- the report ----------------------------------------------------------------------------------

def _years_needed(scope: Scope, municipality) -> set[int]:
    years = {m.year for m in scope.months}
    last = scope.months[-1]
    years.add(_month_of(_month_index(last) - 11).year)
    switch = municipality.equal_split_from if municipality else None
    if switch:
        years |= {switch.year - 1, switch.year, _month_of(_month_index(switch.replace(day=1)) + 11).year}
    return years


def whole_months(period: Period) -> None:
    """A report counts whole calendar months (so that periods next to each other cannot be
    subtracted down to a day): a custom period must start on the 1st and end on a month's
    last day."""
    if period.kind == CUSTOM and (period.start.day != 1 or _month_end(period.end) != period.end):
        raise PeriodError(f"{period.code}: en egen period ska vara hela månader (första till sista dagen)")


def build_report(*, period: Period, unit=None, threshold: int | None = None) -> Report:
    """Every key figure for ``period`` (and one unit, or the whole municipality when
    ``unit`` is None), protected with ``threshold`` (default LIKA_STATISTICS_THRESHOLD)."""
    threshold = current_setting("statistics_threshold") if threshold is None else threshold
    whole_months(period)
    municipality = unit.municipality if unit is not None else Municipality.objects.order_by("id").first()
    scope = Scope(period, unit.pk if unit is not None else None, threshold)
    years = _years_needed(scope, municipality)
    refreshed = ensure_years(years, timezone.localdate())
    # On PostgreSQL: one snapshot for every figure and memory to group in.  (Not on SQLite,
    # where a transaction is IMMEDIATE and would hold the write lock while reading.)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext():
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        money, direct = _money_by_month(years)
        figures = [figure_paid(scope, money, direct)]
        before_after = figure_before_after(scope, municipality, money)
        if before_after is not None:
            figures.append(before_after)
        figures += figures_decisions(scope)
        figures.append(figure_shared_accounts(scope))
        figures += [figure_plans(scope), figure_meetings(scope), figure_obstacles(scope),
                    figure_long_term(scope), figure_exits(scope)]
        if unit is None and period.kind == YEAR:  # issue 15: grants, whole municipality, a year
            from lika.grants.analysis_kpi import grants_figure

            grants = grants_figure(period.start.year, threshold=threshold)
            if grants is not None:
                figures.append(grants)
    data_as_of = min((refreshed[year] for year in {m.year for m in scope.months} if year in refreshed),
                     default=None)
    return Report(
        municipality_code=municipality.code if municipality else "0000",
        municipality_name=settings.LIKA_MUNICIPALITY_NAME or (municipality.name if municipality else ""),
        period=period, unit_name=unit.name if unit is not None else _("Hela kommunen"),
        threshold=threshold, figures=tuple(figures), generated_at=timezone.now(), data_as_of=data_as_of,
        notes=(_("Antal under %(threshold)s visas som \"..\", liksom de celler som annars skulle avslöja dem.")
               % {"threshold": threshold},
               _("Kön är juridiskt kön enligt folkbokföringen, som det är registrerat i Lika.")))
