"""Issue 14: the statistics count the couples whose two halves were to go into one account
(held by the payment run) and the exceptions "gemensamt konto" approved for it."""

from datetime import date

import pytest

from lika.cases import decisions
from lika.core.disclosure import SUPPRESSED
from lika.core.periods import parse_period
from lika.statistics.figures import build_report
from tests.cases.factories import couple_case
from tests.payments.test_shared_account_avi import MONTH, _decided, _run, _set

pytestmark = pytest.mark.django_db


def _table(report):
    (figure,) = [f for f in report.figures if f.key == "shared_account"]
    (table,) = figure.tables
    return {row.label: row.cells for row in table.rows}


def test_held_adults_and_approved_exceptions_are_counted_by_gender(unit_a, alice, bob, petra):
    couples = [couple_case(unit_a, case_worker=alice) for _ in range(3)]
    for case, woman, man, _kids in couples:
        _set(man, iban="", bank_clearing=woman.bank_clearing, bank_account=woman.bank_account)
        _decided(case, alice, woman)
    run = _run(petra)
    assert run.hold_count == 6
    case, woman, _man, _kids = couples[0]
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="shared_account",
                                            reason_text="Ett gemensamt konto tills han har ett eget",
                                            valid_from=MONTH)
    decisions.exception_decide(acting_user=bob, exception=exception, approve=True)

    rows = _table(build_report(period=parse_period(f"{MONTH:%Y-%m}"), threshold=1))
    held, approved = rows.values()
    assert held == (3, 3, 6), "each adult whose half was held, by her or his legal gender"
    assert approved == (1, 0, 1), "by the gender of the adult whose account gets both halves"

    # a month before: nothing; and under the usual threshold the small counts are hidden
    assert list(_table(build_report(period=parse_period("2026-11"), threshold=1)).values()) == [(0, 0, 0)] * 2
    hidden = _table(build_report(period=parse_period(f"{MONTH:%Y-%m}"), threshold=5))
    assert SUPPRESSED in list(hidden.values())[0] and 1 not in list(hidden.values())[1]
    assert date(2026, 12, 1) == MONTH
