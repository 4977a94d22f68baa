"""The key figures (docs/kpi.md), computed in the database and protected against
disclosure before anyone sees them.

Every query here is an aggregate: it returns a handful of grouped rows, never persons.
Every figure reads the summary tables that ``lika.statistics.refresh`` writes (monthly
for money and decisions, by day for plans, activities, meetings and closed cases, so that a
custom period of days is exact), never the case or payment tables themselves.
``build_report`` puts them together as a plain :class:`~lika.statistics.report.Report`,
which the page, the exports and the KPI export all render.
"""

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from lika.accounts.models import Municipality
from lika.cases.models import Case, SupportObstacle
from lika.core.disclosure import SUPPRESSED, protect, protect_amounts, share
from lika.core.periods import Period
from lika.plans.models import PlanActivity

from .refresh import ensure_years
from .report import Chart, ChartSeries, Figure, Report, Row, Table

F, M = "F", "M"
SELF_SUFFICIENCY = (Case.CloseReason.WORK, Case.CloseReason.STUDIES, Case.CloseReason.OTHER_BENEFIT)
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
}


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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

    def unit_sql(self, column: str) -> tuple[str, list]:
        return (f" AND {column} = %s", [self.unit_id]) if self.unit_id else ("", [])


# --- protected tables -------------------------------------------------------------------

def _gender_rows(counts: dict, labels) -> list[tuple[str, int, int]]:
    return [(str(label), counts.get((key, F), 0), counts.get((key, M), 0)) for key, label in labels]


def _count_table(caption, rows, scope, *, total=True, kpis=None, note="") -> tuple[Table, object]:
    """A K/M/T count table protected with secondary suppression; ``kpis`` maps a row label
    (or _("Totalt")) to a KPI id."""
    kpis = kpis or {}
    protected = protect(rows, threshold=scope.threshold, total_row=total, total_label=_("Totalt"))
    out = [Row(row.label, "count", row.cells, counts=row.cells, kpi=kpis.get(row.label),
               total=row is protected.total) for row in protected.all_rows()]
    return Table(caption, tuple(out), note), protected


def _pair_table(caption, labels, values, scope, *, kpi_share=None, share_label=""):
    """Two categories that add up to a total (e.g. equal split / one recipient): the
    categories are protected as the two columns of one row, so that the total cannot
    reveal a hidden one.  Returns a table with T-only rows and the share of the first."""
    protected = protect([("x", values[0], values[1])], threshold=scope.threshold, total_row=False).rows[0]
    first, second, total = protected.cells
    rows = [Row(labels[0], "count", (None, None, first)), Row(labels[1], "count", (None, None, second)),
            Row(_("Totalt"), "count", (None, None, total), total=True)]
    if share_label:
        rows.append(Row(share_label, "percent", (None, None, share(first, total)),
                        counts=(None, None, total), kpi=kpi_share))
    return Table(caption, tuple(rows)), protected


def _series(points_k, points_m):
    return (ChartSeries(_("Kvinnor"), "K", tuple(points_k)), ChartSeries(_("Män"), "M", tuple(points_m)))


def _bars_from(table: Table, title: str, kind: str, *, skip_total=True) -> Chart:
    rows = [row for row in table.rows if not (skip_total and row.total) and row.kind == kind]
    return Chart("bars", title, kind, _series([(r.label, r.cells[0]) for r in rows],
                                               [(r.label, r.cells[1]) for r in rows]))


# --- money (PersonYear) -------------------------------------------------------------------

def _money_by_month(scope: Scope, years) -> dict:
    """{(month, gender): (people, öre)} for persons, and {(month, ""): (0, öre)} for direct
    payments, over the given calendar years (from the monthly aggregate)."""
    if not years:
        return {}
    unit_sql, unit_params = scope.unit_sql("unit_id")
    rows = _fetch("SELECT month, gender, SUM(people), SUM(amount) FROM statistics_paymentmonth "
                  "WHERE month >= %s AND month <= %s" + unit_sql + " GROUP BY month, gender",
                  [date(min(years), 1, 1), date(max(years), 12, 1), *unit_params])
    return {(month if isinstance(month, date) else date.fromisoformat(str(month)), gender or ""):
            (int(people), int(amount)) for month, gender, people, amount in rows if amount}


def _window_sql(scope: Scope, months: list[date]) -> tuple[str, str, list]:
    """The amount of a PersonYear row within ``months`` (a SQL expression) and the WHERE."""
    by_year = defaultdict(list)
    for month in months:
        by_year[month.year].append(month.month)
    sums = {int(year): " + ".join(f"m{m:02d}" for m in sorted(ms)) for year, ms in sorted(by_year.items())}
    unit_sql, unit_params = scope.unit_sql("unit_id")
    if len(sums) == 1:  # a period within one year (every named period): no CASE to evaluate per row
        (year, amount), = sums.items()
        return amount, f"year = {year}{unit_sql}", unit_params
    cases = " ".join(f"WHEN year = {year} THEN {amount}" for year, amount in sums.items())
    return f"CASE {cases} ELSE 0 END", f"year IN ({', '.join(map(str, sums))}){unit_sql}", unit_params


def _recipients(scope: Scope) -> dict:
    """{gender: (distinct people, öre)} paid in the period; gender "" = direct payments."""
    amount, where, params = _window_sql(scope, scope.months)
    rows = _fetch(f"SELECT gender, COUNT(DISTINCT person_id), SUM(amount) FROM "
                  f"(SELECT gender, person_id, {amount} AS amount FROM statistics_personyear WHERE {where}) t "
                  f"WHERE amount > 0 GROUP BY gender", params)
    return {gender or "": (int(people), int(total)) for gender, people, total in rows}


def _long_term(scope: Scope) -> dict:
    """{gender: (people with 10–12 of the 12 months ending with the period's last month,
    people with at least one)}, from ``LongTermMonth`` (unit null: the whole municipality)."""
    unit_sql, unit_params = scope.unit_sql("unit_id") if scope.unit_id else (" AND unit_id IS NULL", [])
    rows = _fetch("SELECT gender, SUM(long_term), SUM(paid) FROM statistics_longtermmonth WHERE month = %s"
                  + unit_sql + " GROUP BY gender", [scope.months[-1], *unit_params])
    return {gender: (int(long), int(anyone)) for gender, long, anyone in rows}


def figure_paid(scope: Scope, by_month: dict) -> Figure:
    paid = _recipients(scope)
    people = {g: paid.get(g, (0, 0))[0] for g in (F, M)}
    kronor = {g: paid.get(g, (0, 0))[1] for g in (F, M)}
    counts = protect([(_("Personer som fått utbetalt"), people[F], people[M])], threshold=scope.threshold,
                     total_row=False)
    amounts = protect_amounts(counts, [(_("Personer som fått utbetalt"), kronor[F], kronor[M])])
    count_row, amount_row = counts.rows[0], amounts.rows[0]
    rows = [
        Row(count_row.label, "count", count_row.cells, counts=count_row.cells, kpi="LIKA_PAID_RECIPIENTS"),
        Row(_("Utbetalt"), "kronor", amount_row.cells, counts=count_row.cells, kpi="LIKA_PAID_KRONOR"),
        Row(_("Andel av beloppet"), "percent",
            (share(amount_row.women, amount_row.total), share(amount_row.men, amount_row.total),
             share(amount_row.total, amount_row.total)),
            counts=count_row.cells, kpi="LIKA_PAID_SHARE_WOMEN"),
    ]
    direct = paid.get("", (0, 0))[1]
    tables = [Table(_("Utbetalt bistånd efter mottagarens kön"), tuple(rows),
                    note=_("Direktbetalningar till hyresvärd m.fl. (ingen person tar emot pengarna): %(kronor)s kr.")
                    % {"kronor": f"{direct // 100:,}".replace(",", "\u00a0")})]
    # month by month: amounts hidden where the month's counts are
    months = scope.months
    monthly = protect([(_month_label(m), by_month.get((m, F), (0, 0))[0], by_month.get((m, M), (0, 0))[0])
                       for m in months], threshold=scope.threshold, total_row=False)
    monthly_amounts = protect_amounts(monthly, [(_month_label(m), by_month.get((m, F), (0, 0))[1],
                                                 by_month.get((m, M), (0, 0))[1]) for m in months])
    # a month still to come without any payment yet is "–", not 0 kr, and is not drawn
    this_month = timezone.localdate().replace(day=1)
    waiting = {month for month in months if month > this_month
               and not any((month, gender) in by_month for gender in (F, M, ""))}
    monthly_cells = [(r.label, (None, None, None) if month in waiting else r.cells)
                     for month, r in zip(months, monthly_amounts.rows, strict=True)]
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


def figure_before_after(scope: Scope, municipality: Municipality | None, by_month: dict) -> Figure | None:
    switch = municipality.equal_split_from if municipality else None
    if switch is None:
        return None
    start = switch.replace(day=1)
    today_month = timezone.localdate().replace(day=1)
    before = _months(_month_of(_month_index(start) - 12), _month_of(_month_index(start) - 1))
    after = [m for m in _months(start, _month_of(_month_index(start) + 11)) if m < today_month] or [start]

    def window(label, months):
        women = sum(by_month.get((m, F), (0, 0))[1] for m in months)
        men = sum(by_month.get((m, M), (0, 0))[1] for m in months)
        w_people = max((by_month.get((m, F), (0, 0))[0] for m in months), default=0)
        m_people = max((by_month.get((m, M), (0, 0))[0] for m in months), default=0)
        return (label, w_people, m_people), (label, women, men)

    labels = (_("Före: %(first)s–%(last)s") % {"first": _month_label(before[0]), "last": _month_label(before[-1])},
              _("Efter: %(first)s–%(last)s") % {"first": _month_label(after[0]), "last": _month_label(after[-1])})
    people, amounts = zip(window(labels[0], before), window(labels[1], after), strict=True)
    counts = protect(list(people), threshold=scope.threshold, total_row=False)
    money = protect_amounts(counts, list(amounts))  # same labels: the windows
    rows = []
    for row in money.rows:
        rows.append(Row(_("%(window)s, kronor") % {"window": row.label}, "kronor", row.cells))
        rows.append(Row(_("%(window)s, andel") % {"window": row.label}, "percent",
                        (share(row.women, row.total), share(row.men, row.total), None)))
    series_k, series_m = [], []
    for month in [*before, *after]:
        women = by_month.get((month, F), (0, 0))
        men = by_month.get((month, M), (0, 0))
        hidden = min(women[0], men[0]) < scope.threshold and (women[0] or men[0])
        total = women[1] + men[1]
        series_k.append((_month_label(month), SUPPRESSED if hidden else (Fraction(women[1], total) if total else None)))
        series_m.append((_month_label(month), SUPPRESSED if hidden else (Fraction(men[1], total) if total else None)))
    chart = Chart("line", _("Andel av utbetalt bistånd per månad, före och efter delad utbetalning"), "percent",
                  _series(series_k, series_m))
    return Figure("before_after", _("Före och efter delad utbetalning"),
                  _("Andelen av de utbetalda pengarna som nått kvinnor respektive män, tolv månader före "
                    "och upp till tolv månader efter att kommunen införde delad utbetalning "
                    "(%(day)s); oberoende av vald period.") % {"day": f"{switch:%Y-%m-%d}"},
                  (Table(_("Utbetalt före och efter"), tuple(rows)),), chart)


def figure_long_term(scope: Scope) -> Figure:
    data = _long_term(scope)
    table, protected = _count_table(
        _("Personer med bistånd 10–12 av de senaste 12 månaderna"),
        [(_("Långvarigt bistånd"), data.get(F, (0, 0))[0], data.get(M, (0, 0))[0]),
         (_("Kortare tid"), data.get(F, (0, 0))[1] - data.get(F, (0, 0))[0],
          data.get(M, (0, 0))[1] - data.get(M, (0, 0))[0])],
        scope, kpis={_("Långvarigt bistånd"): "LIKA_LONG_TERM"})
    long_row, total_row = protected.rows[0], protected.total
    rows = (*table.rows, Row(_("Andel med långvarigt bistånd"), "percent",
                             tuple(share(a, b) for a, b in zip(long_row.cells, total_row.cells, strict=True))))
    return Figure("long_term", _("Långvarigt bistånd"),
                  _("Personer som fått utbetalt bistånd minst 10 av de 12 kalendermånader som slutar med "
                  "periodens sista månad, bland alla som fått utbetalt någon av dessa månader."),
                  (Table(table.caption, rows),), _bars_from(table, _("Personer efter tid med bistånd"), "count"))


# --- decisions (DecidedApplication) ----------------------------------------------------------

def _decision_groups(scope: Scope) -> list[tuple]:
    unit_sql, unit_params = scope.unit_sql("unit_id")
    groups = ("applicant_gender, registerledare_gender, adults, paid, payment_mode, exception_reason, "
              "single_recipient_gender, delivered_to_all")
    return _fetch(f"SELECT {groups}, SUM(applications), SUM(timed), SUM(processing_days) "
                  f"FROM statistics_decisionmonth WHERE month >= %s AND month <= %s{unit_sql} GROUP BY {groups}",
                  [scope.months[0], scope.months[-1], *unit_params])


def figures_decisions(scope: Scope) -> list[Figure]:
    groups = _decision_groups(scope)
    couples = equal = single = delivered_both = 0
    exceptions = defaultdict(int)
    applicants, registerledare = defaultdict(int), defaultdict(int)
    decided, days = defaultdict(int), defaultdict(int)
    for (applicant, leader, adults, paid, mode, reason, single_gender, delivered_all,
         count, timed, day_sum) in groups:
        applicants[applicant] += count
        registerledare[leader] += count
        decided[applicant] += timed
        days[applicant] += int(day_sum or 0)
        if adults >= 2:
            couples += count
            delivered_both += count if delivered_all else 0
            if paid:
                if mode == "single":
                    single += count
                    exceptions[(reason, single_gender)] += count
                else:
                    equal += count

    split_table, _unused = _pair_table(
        _("Beslut till par där bistånd beviljats"), (_("Delad utbetalning"), _("Till en vuxen (särskilda skäl)")),
        (equal, single), scope, kpi_share="LIKA_COUPLES_EQUAL_SHARE", share_label=_("Andel med delad utbetalning"))
    known = dict(settings.LIKA_PAYMENT_EXCEPTION_REASONS)
    reasons = [*known, *sorted({reason for reason, _ in exceptions} - set(known))]
    exception_table, _unused = _count_table(
        _("Utbetalning till en vuxen, efter särskilt skäl och mottagarens kön"),
        _gender_rows(exceptions, [(r, str(known.get(r, r or _("Okänt skäl")))) for r in reasons]),
        scope, kpis={_("Totalt"): "LIKA_EXCEPTIONS"})
    split = Figure("couples", _("Par: delad utbetalning och undantag"),
                   _("Beslut (gällande beslut per ansökan) för hushåll med två vuxna där bistånd beviljats, "
                   "för ansökningsmånader i perioden; undantag efter det särskilda skälet och efter kön hos "
                   "den som fick hela beloppet."),
                   (split_table, exception_table),
                   _bars_from(exception_table, _("Utbetalning till en vuxen, efter skäl"), "count"))

    delivered_table, _unused = _pair_table(
        _("Beslut till par"), (_("Skickat eller lämnat till båda"), _("Inte till båda")),
        (delivered_both, couples - delivered_both), scope,
        kpi_share="LIKA_DELIVERED_BOTH_SHARE", share_label=_("Andel som nått båda"))
    time_table, time_protected = _count_table(
        _("Beslutade ansökningar efter sökandens kön"),
        [(_("Beslutade ansökningar"), decided[F], decided[M])], scope, total=False)
    counts = time_protected.rows[0]
    averages = tuple(SUPPRESSED if c is SUPPRESSED else (Fraction(d, c) if c else None)
                     for c, d in zip(counts.cells, (days[F], days[M], days[F] + days[M]), strict=True))
    time_rows = (*time_table.rows, Row(_("Genomsnittlig handläggningstid, dagar"), "days", averages,
                                       counts=counts.cells, kpi="LIKA_PROCESSING_DAYS"))
    decisions = Figure("decisions", _("Beslut: till båda och handläggningstid"),
                       _("Andel beslut till par där beslutet skickats eller lämnats till båda vuxna; "
                       "handläggningstid från ansökans inkomstdag till första beslutet, efter sökandens kön."),
                       (delivered_table, Table(time_table.caption, time_rows)),
                       Chart("bars", _("Genomsnittlig handläggningstid, dagar"), "days",
                             _series([(_("Handläggningstid"), averages[0])], [(_("Handläggningstid"), averages[1])])))

    leader_table, _unused = _count_table(
        _("Beslutade ansökningar: sökande och registerledare efter kön"),
        [(_("Sökande"), applicants[F], applicants[M]), (_("Registerledare"), registerledare[F], registerledare[M])],
        scope, total=False, kpis={_("Sökande"): "LIKA_APPLICANTS", _("Registerledare"): "LIKA_REGISTERLEDARE"})
    leaders = Figure("registerledare", _("Registerledare och sökande"),
                     _("För samma beslutade ansökningar: kön hos den som sökte och hos ärendets registerledare "
                     "(den som sökte först, aldrig vald efter kön)."),
                     (leader_table,), _bars_from(leader_table, _("Sökande och registerledare"), "count",
                                                 skip_total=False))
    return [split, decisions, leaders]


def figure_obstacles(scope: Scope) -> Figure:
    unit_sql, unit_params = scope.unit_sql("unit_id")
    rows = _fetch("SELECT category, gender, SUM(adults) FROM statistics_obstaclemonth "
                  "WHERE month >= %s AND month <= %s" + unit_sql + " GROUP BY category, gender",
                  [scope.months[0], scope.months[-1], *unit_params])
    counts = {(category, gender): int(n) for category, gender, n in rows}
    table, _unused = _count_table(_("Vuxenmånader efter försörjningshinder och kön"),
                            _gender_rows(counts, SupportObstacle.Category.choices), scope)
    return Figure("obstacles", _("Försörjningshinder"),
                  _("Vuxna i beviljade ansökningar efter registrerat försörjningshinder, räknat per "
                  "ansökningsmånad (en person som fått bistånd tre månader räknas tre gånger)."),
                  (table,), _bars_from(table, _("Vuxenmånader efter försörjningshinder"), "count"))


# --- plans, activities, meetings, exits (the day tables) -----------------------------------------

def figure_plans(scope: Scope) -> Figure:
    days = settings.LIKA_PLAN_DAYS
    unit_sql, unit_params = scope.unit_sql("unit_id")
    rows = _fetch("SELECT gender, SUM(adults), SUM(with_plan) FROM statistics_newcaseday "
                  "WHERE day >= %s AND day <= %s" + unit_sql + " GROUP BY gender",
                  [scope.period.start, scope.period.end, *unit_params])
    data = {gender: (int(n), int(with_plan or 0)) for gender, n, with_plan in rows}
    table, protected = _count_table(
        _("Vuxna i ärenden som aktualiserats i perioden: egen plan inom %(days)s dagar") % {"days": days},
        [(_("Med egen plan"), data.get(F, (0, 0))[1], data.get(M, (0, 0))[1]),
         (_("Utan egen plan"), data.get(F, (0, 0))[0] - data.get(F, (0, 0))[1],
          data.get(M, (0, 0))[0] - data.get(M, (0, 0))[1])], scope)
    with_plan, total = protected.rows[0], protected.total
    rows = (*table.rows, Row(_("Andel med egen plan inom %(days)s dagar") % {"days": days}, "percent",
                             tuple(share(a, b) for a, b in zip(with_plan.cells, total.cells, strict=True)),
                             counts=total.cells, kpi="LIKA_PLAN_30_SHARE"))
    activities = _activities(scope)
    return Figure("plans", _("Egen plan och aktiviteter"),
                  _("Vuxna i hushåll vars ärende aktualiserats i perioden som har en egen genomförandeplan "
                    "skapad senast %(days)s dagar efter aktualiseringen; aktiviteter i planerna som startat i "
                    "perioden (ej avbrutna), efter slag och kön.") % {"days": days},
                  (Table(table.caption, rows), activities),
                  _bars_from(activities, _("Aktiviteter efter slag och kön"), "count"))


def _activities(scope: Scope) -> Table:
    unit_sql, unit_params = scope.unit_sql("unit_id")
    rows = _fetch("SELECT kind, gender, SUM(activities) FROM statistics_activityday "
                  "WHERE day >= %s AND day <= %s" + unit_sql + " GROUP BY kind, gender",
                  [scope.period.start, scope.period.end, *unit_params])
    counts = {(kind, gender): int(n) for kind, gender, n in rows}
    table, _unused = _count_table(_("Aktiviteter som startat i perioden, efter slag och deltagarens kön"),
                            _gender_rows(counts, PlanActivity.Kind.choices), scope,
                            kpis={_("Totalt"): "LIKA_ACTIVITIES"})
    return table


def figure_meetings(scope: Scope) -> Figure:
    unit_sql, unit_params = scope.unit_sql("unit_id")
    rows = _fetch("SELECT kind, gender, SUM(participants) FROM statistics_meetingday "
                  "WHERE day >= %s AND day <= %s" + unit_sql + " GROUP BY kind, gender",
                  [scope.period.start, scope.period.end, *unit_params])
    counts = {(kind, gender): int(n) for kind, gender, n in rows}
    table, _unused = _count_table(
        _("Deltagare i möten efter mötets typ och kön"),
        [(_("Enskilda möten"), counts.get(("individual", F), 0), counts.get(("individual", M), 0)),
         (_("Gemensamma möten"), counts.get(("joint", F), 0), counts.get(("joint", M), 0))], scope,
        kpis={_("Enskilda möten"): "LIKA_MEETINGS_INDIVIDUAL", _("Gemensamma möten"): "LIKA_MEETINGS_JOINT"})
    return Figure("meetings", _("Möten: enskilda och gemensamma"),
                  _("Möten som hållits i perioden; varje deltagare räknas en gång per möte, efter kön."),
                  (table,), _bars_from(table, _("Deltagare i möten"), "count"))


def figure_exits(scope: Scope) -> Figure:
    unit_sql, unit_params = scope.unit_sql("unit_id")
    rows = _fetch("SELECT close_reason, gender, SUM(adults) FROM statistics_exitday "
                  "WHERE day >= %s AND day <= %s" + unit_sql + " GROUP BY close_reason, gender",
                  [scope.period.start, scope.period.end, *unit_params])
    counts = {(reason, gender): int(n) for reason, gender, n in rows}
    own = [(reason, label) for reason, label in Case.CloseReason.choices if reason in SELF_SUFFICIENCY]
    other = [(reason, label) for reason, label in Case.CloseReason.choices if reason not in SELF_SUFFICIENCY]
    grouped = {(group, g): sum(counts.get((r, g), 0) for r, _ in reasons)
               for group, reasons in (("own", own), ("other", other)) for g in (F, M)}
    table, protected = _count_table(
        _("Vuxna i avslutade ärenden"),
        _gender_rows(grouped,
                     [("own", _("Till egen försörjning (arbete, studier, annan ersättning)")),
                      ("other", _("Annat avslut"))]),
        scope, kpis={_("Till egen försörjning (arbete, studier, annan ersättning)"): "LIKA_EXITS_SELF_SUFFICIENCY"})
    first, total = protected.rows[0], protected.total
    share_row = Row(_("Andel till egen försörjning"), "percent",
                    tuple(share(a, b) for a, b in zip(first.cells, total.cells, strict=True)))
    reasons_table, _unused = _count_table(_("Vuxna i avslutade ärenden efter anledning"),
                                    _gender_rows(counts, Case.CloseReason.choices), scope)
    return Figure("exits", _("Avslut till egen försörjning"),
                  _("Vuxna i hushåll vars ärende avslutats i perioden, efter anledningen till avslutet; "
                  "egen försörjning är arbete, studier med studiemedel eller annan ersättning."),
                  (Table(table.caption, (*table.rows, share_row)), reasons_table),
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


def build_report(*, period: Period, unit=None, threshold: int | None = None) -> Report:
    """Every key figure for ``period`` (and one unit, or the whole municipality when
    ``unit`` is None), protected with ``threshold`` (default LIKA_STATISTICS_THRESHOLD)."""
    threshold = settings.LIKA_STATISTICS_THRESHOLD if threshold is None else threshold
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
        by_month = _money_by_month(scope, years)
        figures = [figure_paid(scope, by_month)]
        before_after = figure_before_after(scope, municipality, by_month)
        if before_after is not None:
            figures.append(before_after)
        figures += figures_decisions(scope)
        figures += [figure_plans(scope), figure_meetings(scope), figure_obstacles(scope),
                    figure_long_term(scope), figure_exits(scope)]
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
