"""Write the statistics summary tables (lika.statistics.models) from the case and payment
tables, one calendar year at a time, with set-based SQL: the database does the work, no
row passes through Python.  A refresh of a year is one transaction: it deletes the year's
Lika rows (``source = "L"``) and inserts them again, so it can be repeated at any time.

When: ``lika statistics refresh`` (nightly, docs/operations.md), the "Uppdatera" button on
the statistics page, and automatically the first time a year is shown.
"""

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from lika.accounts.settings import current as current_setting
from lika.core.split import month_index

from .models import LIKA, Refresh


def _days_between(timestamp_sql: str, date_sql: str) -> str:
    """Whole days from ``date_sql`` to the (local) date of ``timestamp_sql``."""
    if connection.vendor == "postgresql":
        return f"(CAST(({timestamp_sql}) AT TIME ZONE 'Europe/Stockholm' AS date) - {date_sql})"
    return f"CAST(julianday(date(({timestamp_sql}), 'localtime')) - julianday({date_sql}) AS INTEGER)"


def _decided_applications_sql() -> str:
    """One row per application of the year with an issued decision.  The current decision
    is the latest issued one that no issued decision supersedes (as in the Socialstyrelsen
    file); the processing time runs to the first issued decision.  Written as joins of
    grouped sets (no per-row subqueries), so that the database can hash its way through a
    year of applications."""
    days = _days_between("cur.first_at", "a.received_on")
    return f"""
INSERT INTO statistics_decidedapplication
    (month, unit_id, case_id, application_id, source, adults, applicant_gender,
     registerledare_gender, payment_mode, exception_reason, single_recipient_gender,
     granted, outcome, processing_days, recipients, delivered)
SELECT a.month, c.unit_id, c.id, a.id, '{LIKA}',
       COALESCE(rec.recipients, 0),
       COALESCE(pa.legal_gender, ''), COALESCE(pr.legal_gender, ''),
       d.payment_mode, COALESCE(e.reason, ''), COALESCE(pe.legal_gender, ''),
       d.granted_amount,
       CASE WHEN d.granted_amount = 0 THEN 'refused' WHEN part.decision_id IS NOT NULL THEN 'partly'
            ELSE 'granted' END,
       {days},
       COALESCE(rec.recipients, 0), COALESCE(rec.delivered, 0)
FROM (SELECT d1.application_id,
             MAX(CASE WHEN s.id IS NULL THEN d1.id END) AS current_id,
             MIN(d1.decided_at) AS first_at
      FROM cases_application a1
      JOIN cases_decision d1 ON d1.application_id = a1.id AND d1.status = 'issued'
      LEFT JOIN cases_decision s ON s.supersedes_id = d1.id AND s.status = 'issued'
      WHERE a1.month >= %s AND a1.month <= %s AND a1.status <> 'withdrawn'
      GROUP BY d1.application_id) cur
JOIN cases_application a ON a.id = cur.application_id
JOIN cases_decision d ON d.id = cur.current_id
JOIN cases_case c ON c.id = a.case_id
LEFT JOIN (SELECT r.decision_id, COUNT(*) AS recipients, COUNT(r.delivered_on) AS delivered
           FROM cases_decisionrecipient r
           JOIN cases_decision d4 ON d4.id = r.decision_id
           JOIN cases_application a4 ON a4.id = d4.application_id
           WHERE a4.month >= %s AND a4.month <= %s
           GROUP BY r.decision_id) rec ON rec.decision_id = d.id
LEFT JOIN (SELECT l.decision_id
           FROM cases_decisionline l
           JOIN cases_decision d5 ON d5.id = l.decision_id
           JOIN cases_application a5 ON a5.id = d5.application_id
           WHERE a5.month >= %s AND a5.month <= %s AND l.outcome <> 'granted'
           GROUP BY l.decision_id) part ON part.decision_id = d.id
LEFT JOIN households_person pa ON pa.id = a.applicant_id
LEFT JOIN households_person pr ON pr.id = c.registerledare_id
LEFT JOIN cases_paymentexception e ON e.id = d.payment_exception_id
LEFT JOIN households_person pe ON pe.id = e.recipient_id
"""


def _person_year_sql() -> str:
    months = ",\n       ".join("SUM(CASE WHEN a.month = %s THEN o.amount ELSE 0 END)" for _ in range(12))
    columns = ", ".join(f"m{m:02d}" for m in range(1, 13))
    return f"""
INSERT INTO statistics_personyear (year, unit_id, person_id, gender, source, {columns})
SELECT %s, c.unit_id, o.person_id, COALESCE(p.legal_gender, ''), '{LIKA}',
       {months}
FROM payments_paymentorder o
JOIN payments_paymentrun r ON r.id = o.run_id
JOIN cases_decision d ON d.id = o.decision_id
JOIN cases_application a ON a.id = d.application_id
JOIN cases_case c ON c.id = a.case_id
LEFT JOIN households_person p ON p.id = o.person_id
WHERE a.month >= %s AND a.month <= %s
  AND o.status NOT IN ('rejected', 'returned') AND r.status IN ('attested', 'exported')
GROUP BY c.unit_id, o.person_id, p.legal_gender
"""


_OBSTACLES_SQL = f"""
INSERT INTO statistics_obstaclemonth (month, unit_id, gender, category, source, adults)
SELECT f.month, f.unit_id, p.legal_gender, o.category, '{LIKA}', COUNT(*)
FROM statistics_decidedapplication f
JOIN cases_supportobstacle o ON o.application_id = f.application_id
JOIN households_person p ON p.id = o.person_id
WHERE f.month >= %s AND f.month <= %s AND f.source = '{LIKA}' AND f.granted > 0
GROUP BY f.month, f.unit_id, p.legal_gender, o.category
"""


_DECISION_MONTHS_SQL = """
INSERT INTO statistics_decisionmonth
    (month, unit_id, applicant_gender, registerledare_gender, adults, paid, payment_mode,
     exception_reason, single_recipient_gender, delivered_to_all, outcome, applications, timed, processing_days)
SELECT month, unit_id, applicant_gender, registerledare_gender, adults, (granted > 0), payment_mode,
       exception_reason, single_recipient_gender, (recipients >= 2 AND delivered >= recipients), outcome,
       COUNT(*), COUNT(processing_days), COALESCE(SUM(processing_days), 0)
FROM statistics_decidedapplication
WHERE month >= %s AND month <= %s
GROUP BY month, unit_id, applicant_gender, registerledare_gender, adults, (granted > 0), payment_mode,
         exception_reason, single_recipient_gender, (recipients >= 2 AND delivered >= recipients), outcome
"""


def _payment_month_sql(month: int) -> str:
    column = f"m{month:02d}"
    return (f"INSERT INTO statistics_paymentmonth (month, unit_id, gender, people, amount) "
            f"SELECT %s, unit_id, gender, SUM(CASE WHEN {column} > 0 THEN 1 ELSE 0 END), SUM({column}) "
            f"FROM statistics_personyear WHERE year = %s GROUP BY unit_id, gender HAVING SUM({column}) > 0")


def _date_plus_days(date_sql: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"({date_sql} + {int(days)})"
    return f"date({date_sql}, '+{int(days)} days')"


def _adults_on(date_column: str) -> str:
    """Join the adults of the case's household on the case's ``date_column``."""
    return ("JOIN households_householdmembership m ON m.household_id = c.household_id AND m.role = 'adult' "
            f"AND m.valid_from <= c.{date_column} AND (m.valid_to IS NULL OR m.valid_to >= c.{date_column}) "
            "JOIN households_person p ON p.id = m.person_id ")


def _new_cases_sql() -> str:
    # the plan must exist before the end of day LIKA_PLAN_DAYS after the opening
    deadline = _date_plus_days("c.opened_on", current_setting("plan_days") + 1)
    return (
        "INSERT INTO statistics_newcaseday (day, unit_id, gender, adults, with_plan) "
        "SELECT c.opened_on, c.unit_id, p.legal_gender, COUNT(*), "
        "SUM(CASE WHEN EXISTS (SELECT 1 FROM plans_plan pl WHERE pl.case_id = c.id AND pl.person_id = m.person_id "
        f"AND pl.created_at < {deadline}) THEN 1 ELSE 0 END) "
        "FROM cases_case c " + _adults_on("opened_on") +
        "WHERE c.opened_on >= %s AND c.opened_on <= %s GROUP BY c.opened_on, c.unit_id, p.legal_gender")


_ACTIVITIES_SQL = """
INSERT INTO statistics_activityday (day, unit_id, kind, gender, activities)
SELECT a.starts_on, c.unit_id, a.kind, p.legal_gender, COUNT(*)
FROM plans_planactivity a
JOIN plans_plan pl ON pl.id = a.plan_id
JOIN cases_case c ON c.id = pl.case_id
JOIN households_person p ON p.id = pl.person_id
WHERE a.starts_on >= %s AND a.starts_on <= %s AND a.status <> 'cancelled'
GROUP BY a.starts_on, c.unit_id, a.kind, p.legal_gender
"""

_MEETINGS_SQL = """
INSERT INTO statistics_meetingday (day, unit_id, kind, gender, participants)
SELECT mt.held_on, c.unit_id, mt.kind, p.legal_gender, COUNT(*)
FROM plans_meeting mt
JOIN cases_case c ON c.id = mt.case_id
JOIN plans_meeting_participants mp ON mp.meeting_id = mt.id
JOIN households_person p ON p.id = mp.person_id
WHERE mt.held_on >= %s AND mt.held_on <= %s
GROUP BY mt.held_on, c.unit_id, mt.kind, p.legal_gender
"""

_EXITS_SQL = (
    "INSERT INTO statistics_exitday (day, unit_id, close_reason, gender, adults) "
    "SELECT c.closed_on, c.unit_id, c.close_reason, p.legal_gender, COUNT(*) "
    "FROM cases_case c " + _adults_on("closed_on") +
    "WHERE c.status = 'closed' AND c.closed_on >= %s AND c.closed_on <= %s "
    "GROUP BY c.closed_on, c.unit_id, c.close_reason, p.legal_gender")


def _long_term_sql(end: date, *, per_unit: bool) -> tuple[str, list]:
    """People paid in 10–12 (and in 1–12) of the twelve months ending with ``end``, from
    ``PersonYear``.  Per unit, or for the whole municipality (unit null), where a person's
    rows of every unit are first added up per year, so that a month counts once."""
    window: dict[int, list[int]] = {}
    last = month_index(end.year, end.month)
    for index in range(last - 11, last + 1):
        window.setdefault(index // 12, []).append(index % 12 + 1)
    flags = " ".join(f"WHEN year = {int(y)} THEN " + " + ".join(f"(CASE WHEN m{m:02d} > 0 THEN 1 ELSE 0 END)"
                                                             for m in ms)
                     for y, ms in sorted(window.items()))
    years = ", ".join(str(int(y)) for y in sorted(window))
    if per_unit:
        rows = f"(SELECT * FROM statistics_personyear WHERE year IN ({years}) AND person_id IS NOT NULL)"
        group, unit = "person_id, unit_id", "unit_id"
    else:
        sums = ", ".join(f"SUM(m{m:02d}) AS m{m:02d}" for m in range(1, 13))
        rows = (f"(SELECT person_id, year, MIN(gender) AS gender, {sums} FROM statistics_personyear "
                f"WHERE year IN ({years}) AND person_id IS NOT NULL GROUP BY person_id, year)")
        group, unit = "person_id", "NULL"
    sql = (f"INSERT INTO statistics_longtermmonth (month, unit_id, gender, long_term, paid) "
           f"SELECT %s, {unit}, gender, SUM(CASE WHEN months >= 10 THEN 1 ELSE 0 END), COUNT(*) FROM "
           f"(SELECT {group}, MIN(gender) AS gender, SUM(CASE {flags} ELSE 0 END) AS months "
           f" FROM {rows} py GROUP BY {group}) t "
           f"WHERE months > 0 GROUP BY {'unit_id, ' if per_unit else ''}gender")
    return sql, [end]


def _write_long_term(cursor, year: int) -> None:
    cursor.execute("DELETE FROM statistics_longtermmonth WHERE month >= %s AND month <= %s",
                   [date(year, 1, 1), date(year, 12, 1)])
    for month in range(1, 13):
        for per_unit in (False, True):
            cursor.execute(*_long_term_sql(date(year, month, 1), per_unit=per_unit))


def refresh_year(year: int) -> None:
    """Write the summary tables of one calendar year again (one transaction)."""
    first, last = date(year, 1, 1), date(year, 12, 1)
    months = [date(year, m, 1) for m in range(1, 13)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a batch job: let the grouping hash in memory
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("DELETE FROM statistics_decidedapplication WHERE source = %s AND month >= %s AND month <= %s",
                       [LIKA, first, last])
        cursor.execute("DELETE FROM statistics_obstaclemonth WHERE source = %s AND month >= %s AND month <= %s",
                       [LIKA, first, last])
        cursor.execute("DELETE FROM statistics_personyear WHERE source = %s AND year = %s", [LIKA, year])
        cursor.execute(_decided_applications_sql(), [first, last, first, last, first, last])
        cursor.execute(_OBSTACLES_SQL, [first, last])
        cursor.execute(_person_year_sql(), [year, *months, first, last])
        # the monthly aggregates the page reads, from every source (history included)
        cursor.execute("DELETE FROM statistics_decisionmonth WHERE month >= %s AND month <= %s", [first, last])
        cursor.execute("DELETE FROM statistics_paymentmonth WHERE month >= %s AND month <= %s", [first, last])
        cursor.execute(_DECISION_MONTHS_SQL, [first, last])
        for month in range(1, 13):
            cursor.execute(_payment_month_sql(month), [date(year, month, 1), year])
        # long-term support: the windows ending this year, and next year's (they reach back
        # into this one) if next year has been refreshed
        _write_long_term(cursor, year)
        if Refresh.objects.filter(year=year + 1).exists():
            _write_long_term(cursor, year + 1)
        # plans, activities, meetings and closed cases, by day (a custom period is days)
        first_day, last_day = date(year, 1, 1), date(year, 12, 31)
        for table in ("newcaseday", "activityday", "meetingday", "exitday"):
            cursor.execute(f"DELETE FROM statistics_{table} WHERE day >= %s AND day <= %s", [first_day, last_day])
        for sql in (_new_cases_sql(), _ACTIVITIES_SQL, _MEETINGS_SQL, _EXITS_SQL):
            cursor.execute(sql, [first_day, last_day])
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE statistics_decidedapplication, statistics_personyear, statistics_obstaclemonth, "
                           "statistics_decisionmonth, statistics_paymentmonth, statistics_longtermmonth, "
                           "statistics_newcaseday, statistics_activityday, statistics_meetingday, "
                           "statistics_exitday")
        Refresh.objects.update_or_create(year=year, defaults={"refreshed_at": timezone.now()})


def refresh_years(years) -> None:
    for year in sorted(set(years)):
        refresh_year(year)


def ensure_years(years, today: date) -> dict:
    """Refresh the years up to ``today`` that have never been refreshed (the first time they
    are shown); {year: when its summary tables were written} for those of ``years`` that have
    been."""
    years = set(years)
    known = dict(Refresh.objects.filter(year__in=years).values_list("year", "refreshed_at"))
    missing = {year for year in years - set(known) if year <= today.year}
    if missing:
        refresh_years(missing)
        known = dict(Refresh.objects.filter(year__in=years).values_list("year", "refreshed_at"))
    return known


def years_with_data() -> list[int]:
    """Every calendar year with an application, an opened or closed case, a meeting or a
    plan activity in Lika (what a full refresh covers)."""
    from lika.cases.models import Application, Case
    from lika.plans.models import Meeting, PlanActivity

    years = {month.year for month in Application.objects.dates("month", "year")}
    years |= {day.year for day in Case.objects.dates("opened_on", "year")}
    years |= {day.year for day in Case.objects.exclude(closed_on=None).dates("closed_on", "year")}
    years |= {day.year for day in Meeting.objects.dates("held_on", "year")}
    years |= {day.year for day in PlanActivity.objects.dates("starts_on", "year")}
    return sorted(years)
