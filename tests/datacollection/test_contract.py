"""The adapter contract without a database: the comparison table (undeclared, differing,
matching, a source failure), the record check, and the simulated sources' determinism."""

from datetime import date

import pytest

from lika.datacollection import compare as c
from lika.datacollection.simulated import (
    ALL_SOURCES,
    SimulatedForsakringskassan,
    SimulatedPensionsmyndigheten,
    SimulatedSource,
)
from lika.datacollection.sources import (
    AKASSA,
    CSN,
    FK,
    KINDS,
    PM,
    SKV,
    SOURCES,
    BenefitRecord,
    BenefitSource,
    PersonNotFound,
    SourceError,
    SourceTimeout,
    SourceUnavailable,
    check_record,
)
from lika.identity.personnummer import FEMALE, generate_fictional

M = date(2026, 12, 1)


def item(ref, source, kind, amount):
    return c.Collected(ref, source, kind, amount)


# (name, declared, collected, answered, failed) -> [(income type, status, declared, collected)]
CASES = [
    ("undeclared", [], [item(1, FK, "sjukpenning", 900000)], {FK}, set(),
     [("sickness_benefit", c.UNDECLARED, None, 900000)]),
    ("differing", [("sickness_benefit", 800000)], [item(1, FK, "sjukpenning", 900000)], {FK}, set(),
     [("sickness_benefit", c.DIFFERS, 800000, 900000)]),
    ("matching", [("sickness_benefit", 900000)], [item(1, FK, "sjukpenning", 900000)], {FK}, set(),
     [("sickness_benefit", c.MATCH, 900000, 900000)]),
    ("two payments summed match one declared row", [("housing_allowance", 400000)],
     [item(1, FK, "bostadsbidrag", 150000), item(2, PM, "bostadstillagg", 250000)], {FK, PM}, set(),
     [("housing_allowance", c.MATCH, 400000, 400000)]),
    ("two declared rows summed", [("salary", 300000), ("salary", 200000)], [item(1, SKV, "lon", 500000)],
     {SKV}, set(), [("salary", c.MATCH, 500000, 500000)]),
    ("source failure: declared income cannot be checked", [("unemployment_benefit", 1000000)], [], set(),
     {AKASSA}, [("unemployment_benefit", c.UNCHECKED, 1000000, None)]),
    ("source failure does not hide another source's undeclared benefit", [],
     [item(1, CSN, "studiemedel", 1100000)], {CSN}, {AKASSA}, [("student_aid", c.UNDECLARED, None, 1100000)]),
    ("declared, the source answered without it", [("pension", 1200000)], [], {PM}, set(),
     [("pension", c.NOT_AT_SOURCE, 1200000, None)]),
    ("declared, no source reports it", [("other", 50000)], [], {FK}, set(),
     [("other", c.NOT_COVERED, 50000, None)]),
    ("nothing either side", [], [], {FK, SKV}, set(), []),
]


@pytest.mark.parametrize("name, declared, collected, answered, failed, expected", CASES, ids=[x[0] for x in CASES])
def test_differences_are_flagged(name, declared, collected, answered, failed, expected):
    rows = c.compare(declared, collected, answered, failed)
    assert [(r.income_type, r.status, r.declared, r.collected) for r in rows] == expected
    for row in rows:
        assert row.flagged == (row.status in (c.DIFFERS, c.UNDECLARED, c.UNCHECKED))


def test_the_difference_is_reported_minus_declared():
    [row] = c.compare([("sickness_benefit", 800000)], [item(1, FK, "sjukpenning", 900000)], {FK}, set())
    assert row.difference == 100000 and [i.ref for i in row.items] == [1]


def record(**changes):
    values = {"source": FK, "kind": "sjukpenning", "period_start": M, "period_end": date(2026, 12, 31),
              "amount": 900000, "paid_on": date(2026, 12, 20)}
    values.update(changes)
    return BenefitRecord(**values)


@pytest.mark.parametrize("changes, problem", [
    ({}, None),
    ({"source": CSN}, "källan"),
    ({"kind": "studiemedel"}, "okänd förmån"),  # CSN's, not Försäkringskassan's
    ({"kind": "vinst"}, "okänd förmån"),
    ({"amount": 9000.0}, "heltal"),
    ({"amount": -1}, "heltal"),
    ({"amount": 10**12}, "heltal"),
    ({"gross_amount": "12"}, "heltal"),
    ({"period_end": date(2026, 11, 30)}, "period"),
    ({"paid_on": "2026-12-20"}, "utbetalningsdatum"),
])
def test_a_record_is_checked_before_it_is_stored(changes, problem):
    found = check_record(record(**changes), FK, M)
    assert (found is None) if problem is None else (problem in found)


def test_every_kind_compares_with_an_income_type_of_the_application():
    from lika.core.household import INCOME_TYPES

    assert all(kind.income_type in INCOME_TYPES and set(kind.sources) <= set(SOURCES) for kind in KINDS.values())


@pytest.mark.parametrize("error", [SourceTimeout, PersonNotFound, SourceUnavailable])
def test_every_failure_has_a_swedish_line_naming_the_source(error):
    line = error().message("Försäkringskassan")
    assert line.startswith("Försäkringskassan") and "Traceback" not in line


def test_the_base_class_must_be_implemented():
    with pytest.raises(TypeError, match=r"abstract method '?fetch\b"):
        BenefitSource()

    class Unfinished(BenefitSource):
        code = FK

    with pytest.raises(TypeError, match=r"abstract method '?fetch\b"):
        Unfinished()
    with pytest.raises(TypeError, match=r"abstract method '?records\b"):
        SimulatedSource()


NUMBERS = [generate_fictional(date(1960 + i, 1 + i % 12, 1 + i % 28), FEMALE, 2 * i) for i in range(60)]


def _answer(source, number, month):
    try:
        return source.fetch(number, month)
    except SourceError as exc:
        return type(exc).__name__


@pytest.mark.parametrize("cls", ALL_SOURCES, ids=lambda cls: cls.code)
def test_the_simulated_source_is_deterministic_and_keeps_the_contract(cls):
    source, again = cls(), cls()
    answers = set()
    for number in NUMBERS:
        for month in (date(2026, 11, 1), M):
            first = _answer(source, number, month)
            assert first == _answer(again, number, month)  # same question, same answer
            if isinstance(first, list):
                assert all(check_record(r, cls.code, month) is None for r in first)
                assert all(r.period_start == month for r in first)
            answers.add(repr(first))
    assert len(answers) > 2  # it varies between people and months


def test_the_simulated_sources_vary_and_sometimes_fail():
    kinds, failures = set(), set()
    for number in NUMBERS * 3:
        for cls in ALL_SOURCES:
            for month in (date(2026, m, 1) for m in range(1, 13)):
                answer = _answer(cls(), number, month)
                if isinstance(answer, str):
                    failures.add(answer)
                else:
                    kinds |= {r.kind for r in answer}
    assert {"SourceTimeout", "SourceUnavailable", "PersonNotFound"} <= failures
    assert {"sjukpenning", "aktivitetsstod", "arbetsloshetsersattning", "studiemedel", "lon", "pension"} <= kinds


def test_pension_only_from_65_and_an_unknown_number_is_unknown():
    young = generate_fictional(date(1990, 4, 12), FEMALE, 8)
    old = generate_fictional(date(1950, 4, 12), FEMALE, 8)
    assert SimulatedPensionsmyndigheten().fetch(young, M) == []
    assert _answer(SimulatedPensionsmyndigheten(), old, M) != []
    with pytest.raises(PersonNotFound):
        SimulatedForsakringskassan().fetch("12345", M)
