"""Distinct participants and leaders of one activity-grant application, by legal gender
and age band: the people behind the deltagartillfällen, for the 3R analysis
(docs/grants-analysis.md, "In Lika").  Pure: the programme's rules and the occasions in,
counts out.

* Only **counted** occasions are looked at (the same judgement as
  :func:`lika.core.grants.judge_occasion`), so the people match the deltagartillfällen.
* A **participant** is a distinct participant id among the eligible participants (in the
  age range; a leader only when the rules count leaders as participants).
* A **leader** is a distinct id marked as leader in a counted occasion, whatever her age.
  Her age band is the band of the rules when her age is in one, else ``"<age_max + 1>+"``
  (older than the programme's ages, e.g. ``26+``) or ``"0-<age_min - 1>"`` (younger).
* Age is counted by birth year as the rules do (year of the occasion − birth year); a
  person keeps the gender and band of her first counted occasion.
"""

from .grants import FEMALE, MALE, UNKNOWN, Programme, RuleVersion, judge_occasion


def leader_band(version: RuleVersion, age: int) -> str:
    """The age band a leader of ``age`` is counted in."""
    band = version.band_of(age)
    if band is not None:
        return band
    if age > version.age_max:
        return f"{version.age_max + 1}+"
    return f"0-{max(version.age_min - 1, 0)}"


def people_by_cell(programme: Programme, occasions) -> dict[tuple[str, str], tuple[int, int]]:
    """``{(gender, band): (distinct participants, distinct leaders)}``; gender ``F``, ``M``
    or ``""`` (unknown), as :mod:`lika.core.grants`."""
    participants: dict[str, tuple[str, str]] = {}
    leaders: dict[str, tuple[str, str]] = {}
    for occasion in occasions:
        version = programme.version_on(occasion.date)
        reasons, _eligible = judge_occasion(version, occasion)
        if reasons:
            continue
        year = occasion.date.year
        seen = {}
        for person in occasion.participants:  # one entry per id, the leader entry first (as judged)
            if person.id not in seen or (person.leader and not seen[person.id].leader):
                seen[person.id] = person
        for person in seen.values():
            age = year - person.birth_year
            gender = person.gender if person.gender in (FEMALE, MALE) else UNKNOWN
            if person.leader:
                leaders.setdefault(person.id, (gender, leader_band(version, age)))
                if not version.leaders_count_as_participants:
                    continue
            if version.age_min <= age <= version.age_max:
                participants.setdefault(person.id, (gender, version.band_of(age)))
    cells: dict[tuple[str, str], list[int]] = {}
    for index, people in enumerate((participants, leaders)):
        for key in people.values():
            cells.setdefault(key, [0, 0])[index] += 1
    return {key: (p, lead) for key, (p, lead) in cells.items()}
