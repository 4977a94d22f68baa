"""Files from the bank and the payment run's faults (docs/security.md, "Bad input and faults").

* A return (camt.054, CSV) or a status (pain.002) must match the order it names: amount
  (SEK) and, for pain.002, the pain.001 it answers.  A mismatch refuses the whole file with
  one line naming the order, and nothing changes: the order, the journal, the access log.
* Every bank file, generated or broken, is read or refused whole: exit code 2 with one line,
  never a traceback.
* `lika payment-run` on a full disk or a read-only database, and a second preparer of the
  same month, is one line with exit code 2, and no file or order is left half-made.
"""

import errno
import os
import threading
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lika.audit.models import AccessLogEntry
from lika.cases.models import JournalNote
from lika.payments import pain001_file
from lika.payments import services as payments
from lika.payments.models import PaymentOrder, PaymentRun
from tests.payments.test_run import MONTH, _exported, _run, month_of_decisions  # noqa: F401 (a fixture)

DB_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CSV_HEADER = "end_to_end_id;amount;reason_code;reason_text;booking_date\n"


def kronor(ore):
    return f"{ore // 100}.{ore % 100:02d}"


def camt054(e2e, amount_text, currency="SEK"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>NTF-1</MsgId><CreDtTm>2026-12-28T06:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>NTF-1-1</Id><CreDtTm>2026-12-28T06:00:00</CreDtTm>
<Ntry><Amt Ccy="{currency}">{amount_text}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-27</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>
<AmtDtls><TxAmt><Amt Ccy="{currency}">{amount_text}</Amt></TxAmt></AmtDtls>
<RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Kontot avslutat</AddtlInf></RtrInf></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"""


def pain002(e2e, message_id, amount_text=None, currency="SEK", status="RJCT"):
    reference = (f'<OrgnlTxRef><Amt><InstdAmt Ccy="{currency}">{amount_text}</InstdAmt></Amt></OrgnlTxRef>'
                 if amount_text is not None else "")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-12-21T19:42:10</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{message_id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>{message_id}-1</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>{status}</TxSts>
<StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf>{reference}</TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"""


def returns_csv(e2e, amount_text):
    return CSV_HEADER + f"{e2e};{amount_text};AC04;Kontot avslutat;2026-12-27\n"


def state():
    """Everything an import may change: the orders' statuses, the journal, the access log."""
    return (sorted(PaymentOrder.objects.values_list("end_to_end_id", "status", "status_reason")),
            JournalNote.objects.count(), AccessLogEntry.objects.count())


def import_file(tmp_path, user, text):
    path = tmp_path / "bankfil"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("payment_import", str(path), user=user.username, stdout=out)
    return out.getvalue()


def refused_import(tmp_path, user, text):
    before = state()
    with pytest.raises(CommandError) as info:
        import_file(tmp_path, user, text)
    message = str(info.value)
    assert info.value.returncode == 2 and "\n" not in message and len(message) < 300, message
    assert state() == before, "nothing changed"
    return message


@pytest.fixture
def exported(month_of_decisions, petra):  # noqa: F811
    run = _exported(_run(petra))
    return run, run.orders.order_by("id").first()


# --- returns and statuses must match their order ------------------------------------------


def test_a_camt054_return_of_another_amount_is_refused_and_the_order_cannot_be_reissued(exported, petra, tmp_path):
    run, order = exported
    # reproduced: a return of an absurd amount was accepted and the order re-issued in full
    for amount in (order.amount + 100, 10**12 * 100):
        message = refused_import(tmp_path, petra, camt054(order.end_to_end_id, kronor(amount)))
        assert message.endswith(f"Returen för {order.end_to_end_id} gäller {payments._sek(amount)} men ordern är "
                                f"{payments._sek(order.amount)}: filen läses inte in.")
    order.refresh_from_db()
    next_run = payments.payment_run_create(acting_user=petra, month=MONTH)
    with pytest.raises(ValidationError, match="Bara en avvisad eller returnerad"):
        payments.payment_order_reissue(acting_user=petra, order=order, run=next_run)
    # the same return of the right amount is read
    assert "Uppdaterade 1 betalningar" in import_file(tmp_path, petra, camt054(order.end_to_end_id,
                                                                                kronor(order.amount)))
    order.refresh_from_db()
    assert order.status == "returned"


def test_the_message_names_the_order_in_swedish_kronor(exported, petra):
    _run_, order = exported
    other = 123400 if order.amount != 123400 else 123500

    def sv(ore):
        return f"{ore // 100:,}".replace(",", " ") + f",{ore % 100:02d}"

    with pytest.raises(ValidationError) as info:
        payments.payment_file_import(acting_user=petra, text=camt054(order.end_to_end_id, kronor(other)))
    assert info.value.messages == [f"Returen för {order.end_to_end_id} gäller {sv(other)} SEK men ordern är "
                                   f"{sv(order.amount)} SEK: filen läses inte in."]


def test_one_mismatch_refuses_the_whole_file(exported, petra, tmp_path):
    run, first = exported
    second = run.orders.exclude(pk=first.pk).order_by("id").first()
    text = CSV_HEADER + (f"{first.end_to_end_id};{kronor(first.amount).replace('.', ',')};AC04;x;2026-12-27\n"
                         f"{second.end_to_end_id};{kronor(second.amount + 1)};AC04;x;2026-12-27\n")
    assert f"Returen för {second.end_to_end_id}" in refused_import(tmp_path, petra, text)


def test_a_csv_return_is_bounded_and_matched(exported, petra, tmp_path):
    _run_, order = exported
    # reproduced: a 5 000-digit amount was a traceback (int() of a 5 000-digit string)
    assert "ogiltigt belopp" in refused_import(tmp_path, petra, returns_csv(order.end_to_end_id, "9" * 5000))
    assert "större än en betalning" in refused_import(tmp_path, petra, returns_csv(order.end_to_end_id,
                                                                                     "10000000,01"))
    assert f"Returen för {order.end_to_end_id}" in refused_import(
        tmp_path, petra, returns_csv(order.end_to_end_id, kronor(order.amount - 1)))


def test_a_pain002_status_must_match_the_order_and_its_message(exported, petra, tmp_path):
    run, order = exported
    right = kronor(order.amount)
    message = refused_import(tmp_path, petra, pain002(order.end_to_end_id, run.message_id, kronor(order.amount * 2)))
    assert f"Statusen för {order.end_to_end_id} gäller {payments._sek(order.amount * 2)}" in message
    message = refused_import(tmp_path, petra, pain002(order.end_to_end_id, "LIKA-ett-annat-meddelande", right))
    assert f"gäller betalfilen LIKA-ett-annat-meddelande men ordern skickades i {run.message_id}" in message
    assert "valutan EUR" in refused_import(tmp_path, petra, pain002(order.end_to_end_id, run.message_id, right,
                                                                      currency="EUR"))
    assert "Uppdaterade 1 betalningar" in import_file(tmp_path, petra, pain002(order.end_to_end_id,
                                                                                run.message_id, right))
    order.refresh_from_db()
    assert order.status == "rejected"


def test_unknown_references_are_counted_not_refused(exported, petra, tmp_path):
    # a return of a payment Lika never sent (another system's, on the same account)
    assert "1 okända" in import_file(tmp_path, petra, camt054("EXT-998877", "5000.25"))


def test_the_upload_page_refuses_a_mismatch_a_nul_and_a_large_file(client, exported, petra, monkeypatch):
    _run_, order = exported
    client.force_login(petra)
    url = reverse("payment_bank_files")
    before = state()
    response = client.post(url, {"action": "import", "file": SimpleUploadedFile(
        "retur.xml", camt054(order.end_to_end_id, kronor(order.amount + 1)).encode())})
    assert response.status_code == 200 and f"Returen för {order.end_to_end_id}" in response.content.decode()
    response = client.post(url, {"action": "import", "file": SimpleUploadedFile("retur.csv", b"a\x00b")})
    assert response.status_code == 200 and "NUL" in response.content.decode()
    monkeypatch.setattr("lika.payments.forms.MAX_BANK_FILE", 10)
    response = client.post(url, {"action": "import", "file": SimpleUploadedFile("retur.csv", b"x" * 11)})
    assert response.status_code == 200 and "större än" in response.content.decode()
    assert state() == before


# --- generated bank files: read whole or refused whole -------------------------------------

amounts = st.one_of(st.integers(0, 10**13).map(kronor), st.decimals(allow_nan=False, allow_infinity=False).map(str),
                    st.from_regex(r"[0-9 ,.eE+-]{0,30}", fullmatch=True),
                    st.sampled_from(["9" * 5000, "1e999999999", "1e-999999999", "-0", ""]))
texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


def done_or_refused(user, text):
    before = state()
    try:
        payments.payment_file_import(acting_user=user, text=text)
    except ValidationError as error:
        assert len(error.messages) == 1 and "\n" not in error.messages[0]
        assert state() == before, "nothing changed"
    except payments_errors() as error:
        assert "\n" not in str(error) and len(str(error)) < 300, str(error)
        assert state() == before, "nothing changed"


def payments_errors():
    from lika.payments.iso20022 import Iso20022Error

    return Iso20022Error


@DB_SETTINGS
@given(amount=amounts, known=st.booleans(), currency=st.sampled_from(["SEK", "EUR", ""]))
def test_generated_camt054_files(exported, petra, amount, known, currency):
    _run_, order = exported
    done_or_refused(petra, camt054(order.end_to_end_id if known else "LIKA-0-9", amount, currency))


@DB_SETTINGS
@given(amount=st.one_of(st.none(), amounts), message_id=st.one_of(st.just(None), texts.filter(str.isprintable)),
       status=st.sampled_from(["ACSC", "RJCT", "ACCP", "PDNG", "XXXX", ""]))
def test_generated_pain002_files(exported, petra, amount, message_id, status):
    run, order = exported
    from xml.sax.saxutils import escape

    done_or_refused(petra, pain002(order.end_to_end_id, escape(run.message_id if message_id is None else message_id),
                                   amount, status=status))


@DB_SETTINGS
@given(rows=st.lists(st.tuples(st.one_of(texts, st.just("E2E")), amounts, texts, texts, texts), max_size=4))
def test_generated_returns_csv_files(exported, petra, rows):
    _run_, order = exported
    done_or_refused(petra, CSV_HEADER + "".join(
        ";".join(order.end_to_end_id if field == "E2E" else field for field in row) + "\n" for row in rows))


@DB_SETTINGS
@given(text=st.text(max_size=300))
def test_generated_text_is_no_bank_file(exported, petra, text):
    done_or_refused(petra, text)


@DB_SETTINGS
@given(data=st.one_of(st.binary(max_size=300), st.sampled_from([
    CSV_HEADER.encode() + b"LIKA-1-1;12\x00,00;AC04;x;2026-12-27\n", b"\xff\xfe<Document/>",
    camt054("LIKA-1-1", "1" * 5000).encode(), pain002("LIKA-1-1", "M", "1e999999999").encode()])))
def test_generated_bytes_through_the_command(exported, petra, tmp_path, data):
    path = tmp_path / "bankfil"
    path.write_bytes(data)
    before = state()
    try:
        call_command("payment_import", str(path), user=petra.username, stdout=StringIO())
    except CommandError as error:
        assert error.returncode == 2 and "\n" not in str(error) and len(str(error)) < 300, str(error)
        assert state() == before, "nothing changed"


# --- faults of the machine ---------------------------------------------------------------


@pytest.fixture
def attested(month_of_decisions, petra, bob):  # noqa: F811
    run = _run(petra)
    bob.can_attest_payments = True
    bob.save()
    return payments.payment_run_attest(acting_user=bob, run=run)


def refused_command(*args, **options):
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=StringIO(), stderr=StringIO(), **options)
    message = str(info.value)
    assert info.value.returncode == 2 and "\n" not in message, message
    return message


def test_export_on_a_full_disk_is_one_line_and_leaves_no_file(attested, petra, settings, tmp_path, monkeypatch):
    settings.LIKA_PAYMENT_FILES = tmp_path

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pain001_file._Tee, "write", full)
    message = refused_command("payment_run", "export", run=attested.pk, user=petra.username)
    assert "disken är full" in message and "inte exporterad" in message
    attested.refresh_from_db()
    assert attested.status == "attested" and list(tmp_path.iterdir()) == []


class _Undo(Exception):
    pass


@contextmanager
def read_only_database():
    """The database refuses every write while inside: SQLite's ``query_only`` (the error a
    read-only database file gives), PostgreSQL's read-only transaction (in a savepoint that
    is rolled back after, so the test's own transaction can be rolled back as usual)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET transaction_read_only = on")
            yield
            raise _Undo
    except _Undo:
        pass


def test_export_with_a_read_only_database_is_one_line_and_leaves_no_file(attested, petra, settings, tmp_path):
    settings.LIKA_PAYMENT_FILES = tmp_path
    with read_only_database():
        message = refused_command("payment_run", "export", run=attested.pk, user=petra.username)
    assert "skrivskyddad" in message
    assert list(tmp_path.iterdir()) == [], "no file under its final name that the database does not know"


def test_prepare_with_a_read_only_database_is_one_line(month_of_decisions, petra):  # noqa: F811
    with read_only_database():
        assert "skrivskyddad" in refused_command("payment_run", month="2026-12", user=petra.username, quiet=True)
    assert not PaymentRun.objects.exists()


def test_a_second_preparer_of_the_same_month_gets_one_line_and_the_orders_are_made_once(month_of_decisions, petra):  # noqa: F811
    # reproduced: two `lika payment-run` at once on SQLite ended with IntegrityError in one
    # of them.  Here another process holds the month (a thread with its own connection
    # and lock stands for it) while the command runs; then the command is run again.
    held, release, errors = threading.Event(), threading.Event(), []

    from lika.commands import one_process_at_a_time

    def other_preparer():
        try:
            with one_process_at_a_time("payment-run-prepare-2026-12"):
                held.set()
                release.wait(timeout=60)
        except BaseException as error:  # pragma: no cover - shown by the assert below
            errors.append(error)
            held.set()
        finally:
            connection.close()

    thread = threading.Thread(target=other_preparer)
    thread.start()
    try:
        assert held.wait(timeout=60)
        message = refused_command("payment_run", month="2026-12", user=petra.username, quiet=True)
        assert "en annan process förbereder redan körningen för 2026-12" in message
        assert not PaymentOrder.objects.exists()
    finally:
        release.set()
        thread.join(timeout=60)
    assert errors == []
    call_command("payment_run", month="2026-12", user=petra.username, quiet=True, stdout=StringIO(),
                 stderr=StringIO())
    run = PaymentRun.objects.get()
    assert run.status == "prepared"
    shares = list(PaymentOrder.objects.values_list("share_id", flat=True))
    assert len(shares) == len(set(shares)) == run.order_count > 0


@pytest.mark.parametrize("args", [
    ["attest", "--run", str(10**30)],
    ["--month", "2026-12", "--batch", str(10**30)],  # was accepted: LIMIT 10**30 per transaction
    ["--month", "2026-12", "--workers", str(10**6)],
    ["--month", "²"],
])
def test_payment_run_arguments_are_bounded(petra, args):
    message = refused_command("payment_run", *args, "--user", petra.username)
    assert len(message) < 200
    assert not PaymentRun.objects.exists()


@pytest.mark.parametrize("year", ["²", "9" * 5000])
def test_statistics_refresh_year_is_bounded(year):
    # was ValueError from int() (a superscript digit passes str.isdigit; 5 000 digits exceed int's limit)
    assert "--year ska vara ett årtal" in refused_command("statistics", "refresh", "--year", year)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite pass runs it; processes share a file")
def test_two_real_preparers_at_once_on_sqlite_end_without_a_traceback_and_pay_once(tmp_path):
    """Two `lika payment-run` processes for the same month started together on one SQLite
    file: each ends with exit code 0 or with exit code 2 and one line (never a traceback,
    once an IntegrityError), and every share has at most one order."""
    import sqlite3
    import subprocess
    import time

    from tests.payments.test_kill import LIKA, _Db, _waiting_month

    env = _Db(tmp_path).env
    subprocess.run([*LIKA, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*LIKA, "seed-demo", "--households", "150", "--seed", "12", "--cases", "150", "--associations", "0"], env=env,
                   check=True, capture_output=True)
    db = sqlite3.connect(env["LIKA_SQLITE_PATH"])
    month = _waiting_month(db)
    command = [*LIKA, "payment-run", "--month", f"{month:%Y-%m}", "--user", "utbetalare", "--quiet", "--batch", "1"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the second starts when the first has begun writing orders: it finds the month being
    # prepared (the race that once ended in IntegrityError); whatever the timing, the
    # assertions below hold
    while first.poll() is None and not db.execute("SELECT COUNT(*) FROM payments_paymentorder").fetchone()[0]:
        time.sleep(0.005)
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    processes = [first, second]
    results = [(process.wait(timeout=300), process.stderr.read()) for process in processes]
    for code, err in results:
        assert "Traceback" not in err and code in (0, 2), err
        if code == 2:
            assert len(err.strip().splitlines()) == 1, err
    assert 0 in [code for code, _ in results], "one of them prepared the month"
    orders, shares = db.execute("SELECT COUNT(*), COUNT(DISTINCT share_id) FROM payments_paymentorder").fetchone()
    assert orders == shares > 0
