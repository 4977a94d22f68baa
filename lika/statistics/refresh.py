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
     granted, processing_days, recipients, delivered)
SELECT a.month, c.unit_id, c.id, a.id, '{LIKA}',
       COALESCE(rec.recipients, 0),
       COALESCE(pa.legal_gender, ''), COALESCE(pr.legal_gender, ''),
       d.payment_mode, COALESCE(e.reason, ''), COALESCE(pe.legal_gender, ''),
       d.granted_amount, {days},
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
     exception_reason, single_recipient_gender, delivered_to_all, applications, timed, processing_days)
SELECT month, unit_id, applicant_gender, registerledare_gender, adults, (granted > 0), payment_mode,
       exception_reason, single_recipient_gender, (recipients >= 2 AND delivered >= recipients),
       COUNT(*), COUNT(processing_days), COALESCE(SUM(processing_days), 0)
FROM statistics_decidedapplication
WHERE month >= %s AND month <= %s
GROUP BY month, unit_id, applicant_gender, registerledare_gender, adults, (granted > 0), payment_mode,
         exception_reason, single_recipient_gender, (recipients >= 2 AND delivered >= recipients)
"""


def _payment_month_sql(month: int) -> str:
    column = f"m{month:02d}"
    return (f"INSERT INTO statistics_paymentmonth (month, unit_id, gender, people, amount) "
            f"SELECT %s, unit_id, gender, SUM(CASE WHEN {column} > 0 THEN 1 ELSE 0 END), SUM({column}) "
            f"FROM statistics_personyear WHERE year = %s GROUP BY unit_id, gender HAVING SUM({column}) > 0")


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
        cursor.execute(_decided_applications_sql(), [first, last, first, last])
        cursor.execute(_OBSTACLES_SQL, [first, last])
        cursor.execute(_person_year_sql(), [year, *months, first, last])
        # the monthly aggregates the page reads, from every source (history included)
        cursor.execute("DELETE FROM statistics_decisionmonth WHERE month >= %s AND month <= %s", [first, last])
        cursor.execute("DELETE FROM statistics_paymentmonth WHERE month >= %s AND month <= %s", [first, last])
        cursor.execute(_DECISION_MONTHS_SQL, [first, last])
        for month in range(1, 13):
            cursor.execute(_payment_month_sql(month), [date(year, month, 1), year])
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE statistics_decidedapplication, statistics_personyear, statistics_obstaclemonth, "
                           "statistics_decisionmonth, statistics_paymentmonth")
        Refresh.objects.update_or_create(year=year, defaults={"refreshed_at": timezone.now()})


def refresh_years(years) -> None:
    for year in sorted(set(years)):
        refresh_year(year)


def ensure_years(years) -> None:
    """Refresh the years that have never been refreshed (the first time they are shown)."""
    years = set(years)
    known = set(Refresh.objects.filter(year__in=years).values_list("year", flat=True))
    refresh_years(years - known)


def years_with_data() -> list[int]:
    """Every calendar year with an application in Lika (what a full refresh covers)."""
    from lika.cases.models import Application

    return sorted({month.year for month in Application.objects.dates("month", "year")})
