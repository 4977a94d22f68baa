"""The payment run pages: who may see them, a run created, prepared in steps, attested
by someone else and exported from the browser's point of view; no address and no
whole account number on the page; a fixed number of queries whatever the run's size."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.payments import services as payments
from lika.payments import views
from lika.payments.bankdays import next_banking_day
from lika.payments.models import PaymentRun
from tests.cases.factories import PROTECTED_ADDRESS, couple_case, single_case
from tests.payments.test_run import MONTH, _decide, month_of_decisions  # noqa: F401 (a fixture)

LIST = reverse("payment_runs")


def _detail(run):
    return reverse("payment_run_detail", kwargs={"run_id": run.pk})


@pytest.fixture
def attester(bob):
    bob.can_attest_payments = True
    bob.save()
    return bob


@pytest.fixture
def prepared(month_of_decisions, petra):  # noqa: F811
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    return payments.payment_run_prepare(acting_user=petra, run=run)


@pytest.fixture
def payment_files(settings, tmp_path):
    settings.LIKA_PAYMENT_FILES = tmp_path / "payments"
    return settings.LIKA_PAYMENT_FILES


# --- who may see the pages ----------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("alice", 403), ("stina", 403), ("bob", 403), ("petra", 200), ("attester", 200),
])
def test_the_pages_are_for_payment_officers_and_attesters(client, request, petra, who, status):
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == status
    assert client.get(_detail(run)).status_code == status
    for name in ("payment_run_file", "payment_run_accounting"):
        response = client.get(reverse(name, kwargs={"run_id": run.pk}))
        assert response.status_code == (404 if status == 200 else 403)
    home = client.get("/").content.decode()
    assert (f'href="{LIST}"' in home) == (status == 200), "the menu offers the page exactly to those it admits"


def test_anonymous_is_sent_to_the_login(client, petra):
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    for url in (LIST, _detail(run), reverse("payment_run_file", kwargs={"run_id": run.pk})):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_only_a_payment_officer_may_create_a_run(client, attester):
    client.force_login(attester)
    assert "Ny körning" not in client.get(LIST).content.decode()
    assert client.post(LIST, {"month": "2026-12"}).status_code == 403
    assert not PaymentRun.objects.exists()


# --- create, prepare, attest, export ---------------------------------------------------------


def test_petra_creates_a_run_and_prepares_it_in_steps(client, petra, month_of_decisions, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "PREPARE_BATCH", 2)
    monkeypatch.setattr(views, "PREPARE_BATCHES_PER_REQUEST", 1)
    client.force_login(petra)
    page = client.get(LIST).content.decode()
    assert "Ny körning" in page and 'type="month"' in page
    payday = next_banking_day(timezone.localdate() + timedelta(days=3))
    response = client.post(LIST, {"month": "2026-12", "payday": payday.isoformat()})
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and response.url == _detail(run)
    assert (run.month.isoformat(), run.payday, run.prepared_by) == ("2026-12-01", payday, petra)
    page = client.get(_detail(run)).content.decode()
    assert "<progress" in page and "Fortsätt förbereda" in page and 'data-auto-submit="300"' in page  # lika.js continues it

    posts = 0
    while run.status == PaymentRun.Status.PREPARING:
        response = client.post(_detail(run), {"action": "prepare"})
        assert response.status_code == 302 and response.url == _detail(run)
        posts += 1
        run.refresh_from_db()
        if run.status == PaymentRun.Status.PREPARING:
            page = client.get(_detail(run)).content.decode()
            assert f'max="{run.progress_total}" value="{run.progress_done}"' in page
        assert posts < 50
    assert posts > 2, "two shares per request: the page came back several times"
    assert run.order_count > 0 and run.hold_count == 4  # no account, protected, the moved couple (2)

    page = client.get(_detail(run)).content.decode()
    assert "Avstämning: inga differenser" in page and "<progress" not in page
    for reason in ("Kontouppgift saknas", "Skyddade personuppgifter och inget säkert sätt att betala",
                   "Hushållet har ändrats efter beslutet"):
        assert reason in page
    case = month_of_decisions["no_account"].application.case
    assert f'href="{reverse("case_detail", kwargs={"case_id": case.pk})}"' in page
    assert "Väntar på attest av någon annan med attesträtt." in page
    assert ">Attestera</button>" not in page
    # the run list shows it
    listing = client.get(LIST).content.decode()
    assert "2026-12" in listing and "Förberedd, väntar på attest" in listing


@pytest.mark.parametrize(("today", "offered", "offered_after_a_run"), [
    (date(2026, 11, 20), "2026-12", "2026-12"),  # next month's decisions wait; otherwise next month
    (date(2026, 12, 4), "2026-12", "2027-01"),  # this month's (January's wait for next year's riksnorm)
    (date(2027, 2, 3), "2027-03", "2027-03"),  # nothing decided from last month on: next month
])
def test_the_form_offers_the_month_whose_decisions_wait_for_a_run(client, petra, month_of_decisions,  # noqa: F811
                                                                  monkeypatch, today, offered, offered_after_a_run):
    monkeypatch.setattr(views.timezone, "localdate", lambda *args, **kwargs: today)
    client.force_login(petra)
    assert client.get(LIST).context["form"].initial["month"] == offered
    payments.payment_run_create(acting_user=petra, month=MONTH)  # December has a run now
    assert client.get(LIST).context["form"].initial["month"] == offered_after_a_run


def test_a_second_run_for_a_month_being_prepared_is_refused_on_the_page(client, petra):
    client.force_login(petra)
    client.post(LIST, {"month": "2026-12"})
    response = client.post(LIST, {"month": "2026-12"})
    assert response.status_code == 200
    assert "En körning för månaden förbereds redan" in response.content.decode()
    assert PaymentRun.objects.count() == 1
    response = client.post(LIST, {"month": "december"})
    assert "Skriv månaden som ÅÅÅÅ-MM" in response.content.decode()


def test_only_the_preparer_continues_the_preparation(client, petra, attester, month_of_decisions):  # noqa: F811
    run = payments.payment_run_create(acting_user=petra, month=MONTH)
    client.force_login(attester)
    page = client.get(_detail(run)).content.decode()
    assert "Fortsätt förbereda" not in page and "form.submit()" not in page
    assert client.post(_detail(run), {"action": "prepare"}).status_code == 403


def test_petra_cannot_attest_her_own_run(client, petra, prepared):
    client.force_login(petra)
    assert client.post(_detail(prepared), {"action": "attest"}).status_code == 403  # no attest right
    petra.can_attest_payments = True
    petra.save()
    page = client.get(_detail(prepared)).content.decode()
    assert ">Attestera</button>" not in page and "Väntar på attest av någon annan med attesträtt." in page
    response = client.post(_detail(prepared), {"action": "attest"})
    assert response.status_code == 200
    assert "Du kan inte attestera en körning som du själv har förberett." in response.content.decode()
    prepared.refresh_from_db()
    assert prepared.status == PaymentRun.Status.PREPARED and prepared.attested_by is None


def test_bob_attests(client, attester, prepared):
    client.force_login(attester)
    page = client.get(_detail(prepared)).content.decode()
    assert ">Attestera</button>" in page
    response = client.post(_detail(prepared), {"action": "attest"})
    assert response.status_code == 302
    prepared.refresh_from_db()
    assert prepared.status == PaymentRun.Status.ATTESTED and prepared.attested_by == attester
    page = client.get(_detail(prepared)).content.decode()
    assert "Körningen är attesterad och kan skickas till banken." in page
    assert "Skapa betalfilen" in page and 'value="03"' in page
    assert client.post(_detail(prepared), {"action": "attest"}).status_code == 200  # twice: a message


def _attested(run, attester):
    return payments.payment_run_attest(acting_user=attester, run=run)


def test_export_writes_the_file_and_it_can_be_downloaded(client, petra, attester, prepared, payment_files):
    pytest.importorskip("lika.payments.iso20022")
    run = _attested(prepared, attester)
    client.force_login(petra)
    response = client.post(_detail(run), {"action": "export", "version": "03"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.EXPORTED and run.file_version == "03"
    assert (payment_files / run.file_name).is_file()
    page = client.get(_detail(run)).content.decode()
    assert run.file_name in page and run.file_sha256 in page
    download = client.get(reverse("payment_run_file", kwargs={"run_id": run.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert "attachment" in download["Content-Disposition"] and run.file_name in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert body.startswith(b"<?xml") and b"pain.001.001.03" in body
    assert AccessLogEntry.objects.filter(action="export", object_type="payment_run", object_id=str(run.pk),
                                         actor=petra, summary__contains="Betalfilen").exists()


def test_an_unknown_version_is_refused_on_the_page(client, petra, attester, prepared, payment_files):
    run = _attested(prepared, attester)
    client.force_login(petra)
    response = client.post(_detail(run), {"action": "export", "version": "01"})
    assert response.status_code == 200 and "Välj filformat 09 eller 03." in response.content.decode()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.ATTESTED


def _ore(text):
    return int(Decimal(text.replace(",", ".")) * 100)


def test_the_accounting_file_adds_up_to_the_run(client, petra, attester, prepared, payment_files):
    pytest.importorskip("lika.payments.iso20022")
    run = _attested(prepared, attester)
    payments.payment_run_export(acting_user=petra, run=run)
    client.force_login(attester)
    assert reverse("payment_run_accounting", kwargs={"run_id": run.pk}) in client.get(_detail(run)).content.decode()
    response = client.get(reverse("payment_run_accounting", kwargs={"run_id": run.pk}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["konto", "ansvar", "verksamhet", "slag", "antal", "belopp"]
    kinds, total = rows[1:-1], rows[-1]
    assert total[3] == "Summa" and _ore(total[5]) == run.total and int(total[4]) == run.order_count
    assert sum(_ore(row[5]) for row in kinds) == run.total
    assert sum(int(row[4]) for row in kinds) == run.order_count


# --- what the page never shows, and what it costs ---------------------------------------------


def test_the_run_page_shows_no_address_and_no_whole_account_number(client, petra, unit_a, alice):
    case, woman, man, _ = couple_case(unit_a, case_worker=alice, protected_woman=True)
    _decide(case, alice, woman)
    run = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                           month=MONTH))
    assert run.orders.filter(person=woman).exists(), "the protected woman is paid to her account"
    client.force_login(petra)
    page = client.get(_detail(run)).content.decode()
    assert str(woman) in page
    for secret in (PROTECTED_ADDRESS, woman.street_address, man.street_address, woman.postal_code, "1234560",
                   "SE4550000000058398257466", woman.identity_number):
        assert secret not in page
    assert "4560" in page and "7466" in page


def _couples(unit, user, n):
    for _i in range(n):
        case, woman, man, _ = couple_case(unit, case_worker=user)
        _decide(case, user, woman)
    case, adult = single_case(unit, case_worker=user)
    adult.bank_clearing = adult.bank_account = ""
    adult.save()
    _decide(case, user, adult)


def test_the_run_page_runs_a_fixed_number_of_queries(client, petra, unit_a, alice, django_assert_max_num_queries):
    _couples(unit_a, alice, 1)
    small = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                             month=MONTH))
    _couples(unit_a, alice, 4)
    large = payments.payment_run_prepare(acting_user=petra, run=payments.payment_run_create(acting_user=petra,
                                                                                             month=MONTH))
    assert large.order_count == 4 * small.order_count and small.hold_count == 1 and large.hold_count == 2
    client.force_login(petra)
    client.get(_detail(small))
    with django_assert_max_num_queries(20) as few:
        assert client.get(_detail(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_detail(large)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_a_late_prepare_on_a_prepared_run_just_shows_the_run(client, petra, prepared):
    client.force_login(petra)
    response = client.post(_detail(prepared), {"action": "prepare"})
    assert response.status_code == 302 and response.url == _detail(prepared)
    assert client.post(_detail(prepared), {"action": "nonsense"}).status_code == 200
