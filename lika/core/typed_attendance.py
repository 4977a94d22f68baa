"""Sammankomster typed in by hand: for an association without a membership system that
exports attendance, each row is one sammankomst with its date, group, minutes, whether a
leader was present, and the number of participants per legal gender and age band of the
programme's rules.  Pure: rows in, ``grants.Occasion`` objects (or Swedish errors by row) out,
so the same rules engine judges typed and imported attendance alike.

What a typed row cannot say, and what Lika assumes instead (docs/grants.md):

* **Ages.** A count in the band ``"7-12"`` is taken as participants aged 7 (the band's lowest
  age) on the occasion's date: every age in the band earns the band's rate, so the amount is
  the same whatever the real ages were.
* **Who.** Participants are numbered within the group, band and gender
  (``"F10/7-12/F/1"``…), so the same numbers recur on the group's next occasion.  The
  distinct participants of the year are therefore estimated as the largest count on any one
  occasion (a lower bound): an **estimate**, marked so wherever it is shown.
* **The leader** is a person of at least the rules' leader age (18 when the rules name none)
  and above the participant age range, so a leader is never also counted as a participant.
"""

from dataclasses import dataclass, field
from datetime import date

from .grants import FEMALE, MALE, UNKNOWN, Occasion, Participant, RuleVersion

MAX_ROWS = 500  # sammankomster typed on one page (an association's year is rarely more)
MAX_COUNT = 1000  # participants of one gender and band on one occasion
ADULT = 18


class TypedAttendanceError(ValueError):
    """The rows cannot be read; ``errors`` lists (row number from 1, Swedish message)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"rad {n}: {m}" for n, m in errors))
        self.errors = tuple(errors)


@dataclass(frozen=True)
class TypedRow:
    date: date | None
    group: str
    minutes: int | None
    leader: bool
    counts: dict = field(default_factory=dict)  # (band name, gender "F"/"M"/"") -> participants

    @property
    def empty(self) -> bool:
        return self.date is None and not self.group and self.minutes is None and not any(self.counts.values())


def _leader_age(version: RuleVersion) -> int:
    return max(version.leader_min_age or ADULT, ADULT, version.age_max + 1)


def occasions_from_rows(rows, version: RuleVersion) -> tuple:
    """The typed rows as occasions, judged later by the version in force on each date.

    ``version`` gives the age bands the counts are typed in (the version in force on the
    form's year).  Empty rows are skipped; any error refuses every row."""
    errors, occasions = [], []
    bands = {band.name: band for band in version.bands}
    for number, row in enumerate(rows, start=1):
        if row.empty:
            continue
        problems = []
        if row.date is None:
            problems.append("datum saknas")
        if not row.group.strip():
            problems.append("grupp saknas")
        if row.minutes is None or not 1 <= row.minutes <= 24 * 60:
            problems.append("minuter ska vara 1–1440")
        for (band, gender), count in row.counts.items():
            if band not in bands:
                problems.append(f"okänt åldersintervall {band!r}")
            elif gender not in (FEMALE, MALE, UNKNOWN):
                problems.append(f"okänt kön {gender!r}")
            elif not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_COUNT:
                problems.append(f"antalet i {band} ska vara ett heltal 0–{MAX_COUNT}")
        if problems:
            errors.extend((number, p) for p in problems)
            continue
        people = []
        group = row.group.strip()
        for (band, gender), count in sorted(row.counts.items()):
            birth_year = row.date.year - bands[band].low
            people.extend(Participant(f"{group}/{band}/{gender or 'U'}/{i}", birth_year, gender)
                          for i in range(1, count + 1))
        if row.leader:
            people.append(Participant(f"{group}/ledare", row.date.year - _leader_age(version), UNKNOWN, True))
        occasions.append(Occasion(row.date, group, row.minutes, tuple(people)))
    if len(occasions) > MAX_ROWS:
        errors.append((MAX_ROWS + 1, f"högst {MAX_ROWS} sammankomster per ansökan i formuläret; läs in en närvarofil i stället"))
    if not errors and not occasions:
        errors.append((1, "skriv in minst en sammankomst"))
    if errors:
        raise TypedAttendanceError(errors)
    return tuple(sorted(occasions, key=lambda o: (o.date, o.group)))
