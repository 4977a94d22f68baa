"""Issue 17, "Broken today": each item has a test here that fails on cdf3b63."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.factories import couple_case
from tests.cases.test_letters import make  # noqa: F401  (fixture)
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


# --- 3. the letter header keeps the whole case number on the page -------------------------------

A4_WIDTH_PT = 595.28
RIGHT_MARGIN_PT = 20 / 25.4 * 72
DIGIT_EM = 0.636  # DejaVu Sans: every digit is 0.636 em wide, the hyphen narrower: an upper bound


# the longest is Case.reference's max_length (20): PostgreSQL refuses longer
@pytest.mark.parametrize("reference", ["2026-000201", "2026-0000000201", "2026-000000000000201"])
def test_the_letter_header_shows_the_whole_case_number_inside_the_page(make, reference):  # noqa: F811
    import io

    from pypdf import PdfReader

    from lika.cases.letters import decision_letter_pdf
    from lika.cases.models import Case

    built = make()
    Case.objects.filter(pk=built.decision.application.case_id).update(reference=reference)
    built.decision.application.case.refresh_from_db()
    page = PdfReader(io.BytesIO(decision_letter_pdf(built.decision, built.letter("woman")))).pages[0]
    runs = []

    def visit(text, cm, tm, font, size):
        scale = cm[0]
        y = cm[5] + cm[3] * tm[5]
        if text.strip() and y > 841.89 - 60 * 72 / 25.4:  # the header: the top 60 mm of the page
            runs.append((scale * tm[4], size * scale, text.strip()))

    page.extract_text(visitor_text=visit)
    after = [i for i, (_x, _s, text) in enumerate(runs) if text == "Ärendenummer"]
    assert after, runs
    parts = []
    for x, size, text in runs[after[0] + 1:]:
        if not set(text) <= set("0123456789-"):
            break
        parts.append(text)
        assert x + len(text) * DIGIT_EM * size <= A4_WIDTH_PT - RIGHT_MARGIN_PT + 1, (x, text)
    assert "".join(parts) == reference


# --- 4. withdrawing an application: a step of its own with a reason, and an undo ----------------

def _received(case, alice, woman, month=date(2026, 12, 1)):
    from lika.cases import services

    return services.application_create(acting_user=alice, case=case, month=month, applicant=woman)


@pytest.mark.parametrize("calculated", [False, True])
def test_withdraw_needs_a_reason_which_is_logged_and_journalled_and_undo_restores(unit_a, alice, calculated):
    from django.core.exceptions import ValidationError

    from lika.audit.models import AccessLogEntry
    from lika.cases import services
    from lika.cases.models import Application, JournalNote

    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = _received(case, alice, woman)
    if calculated:
        services.application_entries_save(acting_user=alice, application=application, costs=[], incomes=[],
                                          obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
        services.calculation_make(acting_user=alice, application=application)
    before = Application.objects.get(pk=application.pk).status
    for blank in ("", "   "):
        with pytest.raises(ValidationError):
            services.application_withdraw(acting_user=alice, application=application, reason=blank)
    assert Application.objects.get(pk=application.pk).status == before, "nothing half-written"

    services.application_withdraw(acting_user=alice, application=application, reason="Har fått arbete")
    application.refresh_from_db()
    assert (application.status, application.withdraw_reason) == ("withdrawn", "Har fått arbete")
    logged = AccessLogEntry.objects.filter(object_type="application", object_id=application.pk,
                                           summary="Ansökan återtagen").get()
    assert logged.new_values["reason"] == "Har fått arbete"
    assert JournalNote.objects.filter(case=case, text__contains="Har fått arbete").exists()

    services.application_withdraw_undo(acting_user=alice, application=application)
    application.refresh_from_db()
    assert application.status == before and not application.withdraw_reason
    assert AccessLogEntry.objects.filter(object_id=application.pk, summary="Ansökan återupptagen").exists()
    with pytest.raises(ValidationError):
        services.application_withdraw_undo(acting_user=alice, application=application)


def test_undo_is_refused_when_another_application_for_the_month_is_open(unit_a, alice):
    from django.core.exceptions import ValidationError

    from lika.cases import services

    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    first = _received(case, alice, woman)
    services.application_withdraw(acting_user=alice, application=first, reason="Fel månad")
    _received(case, alice, woman)
    with pytest.raises(ValidationError):
        services.application_withdraw_undo(acting_user=alice, application=first)


def test_withdrawing_through_the_pages_asks_for_reason_and_confirmation(client, unit_a, alice):
    from lika.cases.models import Application

    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    application = _received(case, alice, woman)
    client.force_login(alice)
    detail = reverse("application_detail", kwargs={"case_id": case.pk, "application_id": application.pk})
    url = reverse("application_withdraw", kwargs={"case_id": case.pk, "application_id": application.pk})
    # the old one-click withdrawal beside the save buttons is gone
    client.post(detail, {"action": "withdraw"})
    assert Application.objects.get(pk=application.pk).status == "received"
    assert url in client.get(detail).content.decode()
    for data in ({}, {"reason": "Fått arbete"}, {"confirmed": "on"}, {"reason": " ", "confirmed": "on"}):
        response = client.post(url, data)
        assert response.status_code == 400 and 'class="error-summary"' in response.content.decode()
        assert Application.objects.get(pk=application.pk).status == "received"
    assert client.post(url, {"reason": "Fått arbete", "confirmed": "on"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == "withdrawn"
    page = client.get(detail).content.decode()
    assert "Fått arbete" in page and "withdraw_undo" in page
    client.post(detail, {"action": "withdraw_undo"})
    assert Application.objects.get(pk=application.pk).status == "received"


def test_the_case_list_shows_the_latest_application_that_is_not_withdrawn(client, unit_a, alice):
    from lika.cases import services

    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    _received(case, alice, woman, month=date(2026, 11, 1))
    december = _received(case, alice, woman, month=date(2026, 12, 1))
    services.application_withdraw(acting_user=alice, application=december, reason="Flyttar")
    client.force_login(alice)
    row = client.get(reverse("case_list")).context["cases"][0]
    assert row.latest_month == date(2026, 11, 1)


# --- 7. wording ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("runs", "orders", "text"), [
    (1, 1, "Attesterade 1 utbetalningskörning (1 order)"),
    (1, 2, "Attesterade 1 utbetalningskörning (2 ordrar)"),
    (3, 7, "Attesterade 3 utbetalningskörningar (7 ordrar)"),
])
def test_the_demo_summary_uses_singular_and_plural(runs, orders, text):
    from django.utils import translation

    from lika.households.management.commands.seed_demo import attested_text

    with translation.override("sv"):
        assert attested_text(runs, orders) == text


def test_the_trial_page_asks_about_lunch_as_the_registration_does():
    from lika.cases.forms import ChildForm
    from lika.web.forms import CalculationForm

    registration = str(ChildForm().fields["lunch_at_home"].label)
    trial = CalculationForm()
    assert str(trial.fields["child1_lunch_at_home"].label) == registration
    assert not any("förskolan" in str(f.label) for f in trial.fields.values())


def test_a_partly_granted_amount_out_of_range_names_the_limit_in_swedish_form(unit_a, alice):
    import re

    from django.core.exceptions import ValidationError

    from lika.cases import decisions, services
    from lika.cases.decisions import LineDecision

    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = _received(case, alice, woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 394000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    lines = decisions.need_lines(application.calculations.get())
    housing = next(i for i, line in enumerate(lines) if line["applied"] == 394000)
    choices = [LineDecision("granted")] * len(lines)
    choices[housing] = LineDecision("partly", granted=500000, reason="För dyrt")
    with pytest.raises(ValidationError) as caught:
        decisions.decision_make(acting_user=alice, application=application, lines=choices,
                                acknowledge_provisional=True)
    message = caught.value.messages[0]
    assert "mellan 0 och 3 940 kr." in message, message
    assert not re.search(r"kr,\s*$", message)


def test_a_run_whose_file_is_only_created_is_not_called_sent_to_the_bank():
    from django.template.loader import get_template
    from django.utils import translation

    from lika.payments.models import PaymentOrder, PaymentRun

    with translation.override("sv"):
        assert str(PaymentRun.Status.EXPORTED.label) == "Fil skapad"
        assert "banken" not in str(PaymentOrder.Status.EXPORTED.label)
    # "Skickad till banken" only once a payment officer has marked the file sent (issue 17)
    source = get_template("payments/run_detail.html").template.source
    for line in [i for i, text in enumerate(source.splitlines()) if "Skickad till banken" in text]:
        assert "{% if run.sent_to_bank_at %}" in source.splitlines()[line - 1]


def _logged_object_types():
    import re
    import subprocess

    out = subprocess.run(["git", "grep", "-ho", r'object_type="[a-z_]*"', "--", "lika"], capture_output=True,
                         text=True, check=False).stdout
    found = set(re.findall(r'object_type="([a-z_]+)"', out))
    return sorted(found | {"plan", "plangoal", "planactivity", "meeting", "violencescreening"})


@pytest.mark.parametrize("code", _logged_object_types())
def test_the_access_log_names_every_kind_of_row_in_plain_swedish(code):
    from lika.audit.selectors import object_label

    label = object_label(code)
    assert label and "_" not in label and label != code and label[0].isupper()


def test_the_comparison_caption_shows_no_internal_kpi_code():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    item = SimpleNamespace(kpi="LIKA_PAID_RECIPIENTS", title="Personer som fått utbetalt bistånd", rows=[],
                           chart=None)
    kolada = SimpleNamespace(kpi="N31807", title="Ekonomiskt bistånd", rows=[], chart=None)
    comparison = SimpleNamespace(kpis=[item, kolada], kolada=[], municipalities=1, unknown_kpis=0)
    html = render_to_string("statistics/comparison.html", {"comparison": comparison, "year": 2025})
    assert "LIKA_PAID_RECIPIENTS" not in html and "(N31807)" in html


@pytest.mark.parametrize(("amount", "errors"), [
    ("-100", ["Beloppet kan inte vara negativt."]),
    ("-1 200,50", ["Beloppet kan inte vara negativt."]),
    ("", ["Ange beloppet."]),
    ("abc", None),  # one error, Django's own wording
])
def test_one_mistake_in_an_amount_gives_one_error(amount, errors):
    from lika.cases.forms import CostRowForm

    form = CostRowForm({"c-type": "housing", "c-amount": amount}, prefix="c", types=[("housing", "Boende")])
    assert not form.is_valid()
    assert len(form.errors["amount"]) == 1, form.errors
    if errors:
        assert form.errors["amount"] == errors


# --- 8. the error summary names the adult or child and links to the field -----------------------

def test_registration_errors_come_all_at_once_naming_each_person(client, alice):
    import re

    from lika.identity.personnummer import FEMALE, generate_fictional

    client.force_login(alice)
    response = client.post(reverse("case_register"), {
        "since": "2026-11-01", "second_adult": "on", "cohabiting": "on",
        "adult1-identity_number": "19840202-1234", "adult1-first_name": "Omar", "adult1-last_name": "Sund",
        "adult2-identity_number": generate_fictional(date(1986, 3, 3), FEMALE, 902), "adult2-first_name": "Elin",
        "child0-first_name": "Ida",
    })
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, "one summary at the top"
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]
    assert any(i.startswith("Vuxen 1 (Omar Sund): Personnummer") for i in items), items
    assert any(i.startswith("Vuxen 2 (Elin): Efternamn") for i in items), items
    assert any(i.startswith("Barn 1 (Ida): Personnummer") for i in items), items
    assert any(i.startswith("Barn 1 (Ida): Efternamn") for i in items), items
    for field in ("adult1-identity_number", "adult2-last_name", "child0-last_name"):
        assert f'href="#id_{field}"' in summary.group(0)


# --- 8b. the service's faults on the application's rows come all at once, naming row and person --

def test_the_application_rows_faults_come_all_at_once_naming_row_and_person(unit_a, alice):
    from django.core.exceptions import ValidationError

    from lika.cases import services
    from lika.cases.services import Entry

    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = _received(case, alice, woman)
    stranger_id = max(woman.pk, man.pk) + 1000
    costs = [Entry("housing", 800_000, woman.pk), Entry("housing", 100_000, None), Entry("yacht", 5, man.pk)]
    incomes = [Entry("salary", -100, man.pk), Entry("salary", 100, stranger_id)]
    with pytest.raises(ValidationError) as caught:
        services.application_entries_save(acting_user=alice, application=application, costs=costs,
                                          incomes=incomes, obstacles={})
    messages = caught.value.messages
    assert f"Kostnad rad 3 ({man.first_name} {man.last_name}): okänd kostnad (yacht)." in messages
    assert f"Inkomst rad 1 ({man.first_name} {man.last_name}): beloppet får inte vara negativt." in messages
    assert "Inkomst rad 2: hör till någon utanför hushållet." in messages
    assert any(m.startswith("Ange boendekostnaden på en rad") for m in messages)
    assert len(messages) == 4
    application.refresh_from_db()
    assert not application.costs.exists() and not application.incomes.exists()  # nothing half-written
