"""Issue 17, "Broken today": each item has a test here that fails on cdf3b63."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.factories import couple_case
from tests.plans.test_services import issue_decision

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# --- 1. the case list's "Vuxna" column and the "saknar plan" flags ------------------------------

def test_case_list_shows_the_adults_and_who_lacks_a_plan(client, unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    issue_decision(case, alice, on=TODAY - timedelta(days=90))
    client.force_login(alice)
    response = client.get(reverse("case_list"))
    row = response.context["cases"][0]
    assert {m.person_id for m in row.current_adults} == {woman.pk, man.pk}
    assert {p.pk for p in row.adults_without_plan} == {woman.pk, man.pk}
    page = response.content.decode()
    assert "Lind, Sara" in page or "Sara Lind" in page
    assert "Sara saknar plan" in page and "Johan saknar plan" in page


def test_worklist_lists_the_adults_without_a_plan(client, unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    issue_decision(case, alice, on=TODAY - timedelta(days=90))
    client.force_login(alice)
    work = client.get(reverse("worklist")).context["work"]
    assert {(c.pk, p.pk) for c, p in work.without_plan} == {(case.pk, woman.pk), (case.pk, man.pk)}


# --- 2. "Mina ärenden": the count of stopped or returned payments -------------------------------

@pytest.mark.parametrize(("held", "failed"), [(0, 0), (1, 1), (2, 0), (0, 2), (2, 3)])
def test_worklist_counts_stopped_and_returned_payments(client, unit_a, alice, monkeypatch, held, failed):
    import re
    from types import SimpleNamespace

    case, *_rest = couple_case(unit_a, case_worker=alice)
    decision = SimpleNamespace(application=SimpleNamespace(case_id=case.pk, case=case))
    run = SimpleNamespace(month=date(2026, 12, 1))

    def item(i):
        return SimpleNamespace(decision=decision, run=run, get_reason_display=lambda: "Stoppad", detail=f"d{i}",
                               payee_name="Sara Lind", get_status_display=lambda: "Returnerad", status_reason="")

    monkeypatch.setattr("lika.payments.selectors.payment_problems",
                        lambda case_ids: ([item(i) for i in range(held)], [item(i) for i in range(failed)]))
    client.force_login(alice)
    page = client.get(reverse("worklist")).content.decode()
    heading = re.search(r'id="wl-pay">[^<]*<span class="count">\((\d+)\)', page)
    assert heading and int(heading.group(1)) == held + failed
