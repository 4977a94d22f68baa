"""Jobbstimulans: who gets 25 % of their income from employment disregarded, and why.

The rule (SoL 2001:453 4 kap. 1 b §, införd genom SFS 2013:421, prop. 2012/13:94):

* "För den som har fått försörjningsstöd under sex månader i följd ska 25 procent av
  inkomsterna av anställning inte beaktas vid bedömningen av rätten till bistånd"
  (särskild beräkningsregel);
* "Den särskilda beräkningsregeln gäller under två år. Därefter måste kravet på att
  försörjningsstöd ska ha lämnats under sex månader i följd uppfyllas på nytt";
* "Den särskilda beräkningsregeln gäller inte inkomster som anges i 1 a §" (a child's own
  work income).

How the two years run follows Socialstyrelsen's guidance as municipalities quote it
(soctanter.malmo.se/fraga/10017; ale.se, "Jobbstimulans"): the two years are 24 consecutive
calendar months that begin once support has been received six months in a row, whether or
not the person has support or work in each of them; a month without support (an avslag)
before that breaks the six and the count starts again.  So the period begins in the month
after the sixth month in a row with support ("month 7") and its last month is month 30; the
six months that requalify must lie after the period has ended.

Pure: a history of months in, a status with a Swedish reason out.
"""

from collections.abc import Iterable
from typing import NamedTuple

QUALIFYING_MONTHS = 6
PERIOD_MONTHS = 24
JOB_INCENTIVE_PERCENT = 25


class SupportHistory(NamedTuple):
    """What the rule needs to know about a person's past, before the month judged.

    ``consecutive_months``: months in a row with försörjningsstöd right before the month
    (not counting months inside a jobbstimulans period).  ``period_months_used``: months of
    the running or latest jobbstimulans period before the month, 0–24 (24: used up)."""

    consecutive_months: int = 0
    period_months_used: int = 0


class JobIncentiveStatus(NamedTuple):
    eligible: bool
    reason: str
    period_month: int = 0  # 1–24 when eligible


def _ordinal(year: int, month: int) -> int:
    return year * 12 + month - 1


def _text(ordinal: int) -> str:
    return f"{ordinal // 12}-{ordinal % 12 + 1:02d}"


def history_from_months(supported: Iterable[tuple[int, int]], year: int, month: int) -> SupportHistory:
    """The history before ``year-month`` from the months (year, month) in which the person
    received försörjningsstöd (a decision in force granting more than 0 kr).  Months from
    ``year-month`` on are ignored."""
    target = _ordinal(year, month)
    months = {_ordinal(y, m) for y, m in supported}
    months = {m for m in months if m < target}
    if not months:
        return SupportHistory(0, 0)
    run, start, ended = 0, None, False
    for current in range(min(months), target + 1):
        if start is not None and current >= start + PERIOD_MONTHS:
            start, run, ended = None, 0, True
        if start is None and run >= QUALIFYING_MONTHS:
            start = current
        if current == target:
            break
        if start is None:
            run = run + 1 if current in months else 0
    if start is not None:
        return SupportHistory(run, target - start)
    return SupportHistory(run, PERIOD_MONTHS if ended else 0)


def job_incentive_status(history: SupportHistory, year: int, month: int) -> JobIncentiveStatus:
    """Whether jobbstimulans applies in ``year-month``, with the reason in Swedish."""
    consecutive, used = history
    if consecutive < 0 or not 0 <= used <= PERIOD_MONTHS:
        raise ValueError("historiken för jobbstimulans är ogiltig")
    target = _ordinal(year, month)
    if 0 < used < PERIOD_MONTHS or (consecutive >= QUALIFYING_MONTHS and used in (0, PERIOD_MONTHS)):
        number = used + 1 if 0 < used < PERIOD_MONTHS else 1
        start = target - (number - 1)
        return JobIncentiveStatus(True, (
            f"bistånd {QUALIFYING_MONTHS} månader i följd {_text(start - QUALIFYING_MONTHS)}–{_text(start - 1)}; "
            f"jobbstimulans månad {number} av {PERIOD_MONTHS} ({_text(start)}–{_text(start + PERIOD_MONTHS - 1)})"),
            number)
    if used == PERIOD_MONTHS:
        return JobIncentiveStatus(False, (
            f"jobbstimulansens {PERIOD_MONTHS} månader är förbrukade; bistånd {consecutive} "
            f"{'månad' if consecutive == 1 else 'månader'} i följd sedan dess, krävs {QUALIFYING_MONTHS} "
            "för att den ska gälla igen"))
    return JobIncentiveStatus(False, (
        f"har fått bistånd {consecutive} {'månad' if consecutive == 1 else 'månader'} i följd; "
        f"krävs {QUALIFYING_MONTHS}"))


def eligibility(supported: Iterable[tuple[int, int]], year: int, month: int) -> JobIncentiveStatus:
    """Convenience: the status in ``year-month`` straight from the supported months."""
    return job_incentive_status(history_from_months(supported, year, month), year, month)
