"""ISO 20022 files for the payment run: pain.001 written and validated, pain.002,
camt.054 and the returns CSV read.  No database: plain Python and lxml."""

import io
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
from dataclasses import replace
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from lika.payments.iso20022 import (
    Account,
    FileRejected,
    FileSummary,
    Iso20022Error,
    Pain001Invalid,
    Party,
    PaymentStatus,
    ReturnedPayment,
    Transfer,
    clean_text,
    format_amount,
    read_camt054_returns,
    read_pain002,
    read_returns_csv,
    validate_pain001,
    write_pain001,
)

DATA = Path(__file__).parent / "data"
NS = {"09": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09",
      "03": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
IBAN = "SE4550000000058398257466"  # the published example IBAN, no real account
DEBTOR = Party("Exempelby kommun", Account(iban=IBAN, bic="ESSESESS"), org_number="2120000000")
CREATED = datetime(2026, 12, 18, 9, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Stockholm"))
PAYDAY = date(2026, 12, 23)


def transfer(i=1, amount=123456, account=None, name="Anna Åström", remittance="Försörjningsstöd 2026-12, din del"):
    return Transfer(f"LIKA-{i}-1", amount, Party(name, account or Account(clearing="8327", number="9355435")),
                    remittance)


def write(transfers, version="09", debtor=DEBTOR, count=None, total=None, stream=None):
    """Write ``transfers`` (a list) and return the bytes."""
    out = stream if stream is not None else io.BytesIO()
    summary = write_pain001(
        out, version=version, message_id="LIKA-0f3a9c2b7d4e4f1a8b6c5d2e", created_at=CREATED,
        debtor=debtor, payment_info_id="LIKA-0f3a9c2b7d4e4f1a8b6c5d2e-1", execution_date=PAYDAY,
        count=len(transfers) if count is None else count,
        total=sum(t.amount for t in transfers) if total is None else total, transfers=iter(transfers))
    assert summary == FileSummary(len(transfers), sum(t.amount for t in transfers))
    return out.getvalue() if stream is None else None


def xsd(version):
    source = files("sepaxml") / "schemas" / f"pain.001.001.{version}.xsd"
    return etree.XMLSchema(etree.fromstring(source.read_bytes()))


def find(document, path, version):
    """Elements at an XPath written with the ``p:`` prefix for the pain.001 namespace."""
    return document.xpath(path, namespaces={"p": NS[version]})


def texts(document, path, version):
    return [element.text for element in find(document, path, version)]


def line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1


def test_module_needs_no_django():
    code = ("import sys, lika.payments.iso20022; "
            "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2]).returncode == 0


# --- pain.001: the accounts, both versions ------------------------------------------------

CREDITOR_ACCOUNTS = {
    "iban": (Account(iban=IBAN), "p:Id/p:IBAN", IBAN, None),
    "iban_bic": (Account(iban=IBAN, bic="ESSESESS"), "p:Id/p:IBAN", IBAN, "ESSESESS"),
    "domestic": (Account(clearing="8327", number="9355435"), "p:Id/p:Othr[p:SchmeNm/p:Cd='BBAN']/p:Id",
                 "83279355435", "8327"),
    "domestic_bic": (Account(clearing="3300", number="8112345678", bic="NDEASESS"),
                     "p:Id/p:Othr[p:SchmeNm/p:Cd='BBAN']/p:Id", "33008112345678", "3300"),
    "bankgiro": (Account(bankgiro="50501055"), "p:Id/p:Othr[p:SchmeNm/p:Prtry='BGNR']/p:Id",
                 "50501055", "9900"),
    "bankgiro_bic": (Account(bankgiro="9912346", bic="HANDSESS"),
                     "p:Id/p:Othr[p:SchmeNm/p:Prtry='BGNR']/p:Id", "9912346", "9900"),
}


@pytest.mark.parametrize("version", ["09", "03"])
@pytest.mark.parametrize("kind", CREDITOR_ACCOUNTS)
def test_each_kind_of_creditor_account_gives_a_valid_file(version, kind):
    account, account_path, account_id, agent = CREDITOR_ACCOUNTS[kind]
    data = write([transfer(1, 450000, account), transfer(2, 99, account)], version)

    assert validate_pain001(io.BytesIO(data), version=version) == FileSummary(2, 450099)
    document = etree.fromstring(data)
    xsd(version).assertValid(document)  # and the plain XSD, on the whole tree, agrees
    tx = find(document, "//p:CdtTrfTxInf", version)[0]
    assert texts(tx, f"p:CdtrAcct/{account_path}", version) == [account_id]
    bic_tag = "BICFI" if version == "09" else "BIC"
    assert texts(tx, f"p:CdtrAgt/p:FinInstnId/p:{bic_tag}", version) == ([account.bic] if account.bic else [])
    members = texts(tx, "p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId[p:ClrSysId/p:Cd='SESBA']/p:MmbId", version)
    if agent is None:  # IBAN without BIC: no creditor agent at all (it is optional)
        assert find(tx, "p:CdtrAgt", version) == []
    elif agent.isdigit():
        assert members == [agent]


@pytest.mark.parametrize("version", ["09", "03"])
def test_header_debtor_and_execution_date(version):
    data = write([transfer()], version)
    document = etree.fromstring(data)

    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert etree.QName(document).namespace == NS[version]
    assert texts(document, "//p:GrpHdr/p:CreDtTm", version) == ["2026-12-18T09:30:15+01:00"]
    assert texts(document, "//p:GrpHdr/p:InitgPty/p:Id/p:OrgId/p:Othr/p:Id", version) == ["2120000000"]
    pmtinf = find(document, "//p:PmtInf", version)[0]
    assert texts(pmtinf, "p:PmtMtd", version) == ["TRF"]
    assert texts(pmtinf, "p:BtchBookg", version) == ["true"]
    assert texts(pmtinf, "p:Dbtr/p:Id/p:OrgId/p:Othr/p:Id", version) == ["2120000000"]
    assert texts(pmtinf, "p:DbtrAcct/p:Id/p:IBAN", version) == [IBAN]
    assert find(pmtinf, "p:ChrgBr", version) == []
    date_path = "p:ReqdExctnDt/p:Dt" if version == "09" else "p:ReqdExctnDt"
    assert texts(pmtinf, date_path, version) == ["2026-12-23"]


@pytest.mark.parametrize("version", ["09", "03"])
@pytest.mark.parametrize("account, path, value", [
    (Account(clearing="5000", number="1234567"), "p:DbtrAcct/p:Id/p:Othr[p:SchmeNm/p:Cd='BBAN']/p:Id", "50001234567"),
    (Account(bankgiro="50501055"), "p:DbtrAcct/p:Id/p:Othr[p:SchmeNm/p:Prtry='BGNR']/p:Id", "50501055"),
    (Account(iban=IBAN), "p:DbtrAcct/p:Id/p:IBAN", IBAN),
])
def test_debtor_without_bic_has_agent_notprovided(version, account, path, value):
    data = write([transfer()], version, debtor=Party("Exempelby kommun", account, "212000-0000"))

    validate_pain001(io.BytesIO(data), version=version)
    document = etree.fromstring(data)
    xsd(version).assertValid(document)
    pmtinf = find(document, "//p:PmtInf", version)[0]
    assert texts(pmtinf, path, version) == [value]
    assert texts(pmtinf, "p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", version) == ["NOTPROVIDED"]
    assert texts(pmtinf, "p:Dbtr/p:Id/p:OrgId/p:Othr/p:Id", version) == ["2120000000"]


def test_iban_wins_when_an_account_has_several_kinds():
    account = Account(iban=IBAN, clearing="8327", number="9355435", bankgiro="50501055")
    document = etree.fromstring(write([transfer(account=account)]))
    assert texts(document, "//p:CdtrAcct/p:Id/p:IBAN", "09") == [IBAN]


def test_writes_to_a_path(tmp_path):
    path = tmp_path / "run.xml"
    write([transfer()], stream=path)
    assert validate_pain001(path, version="09") == FileSummary(1, 123456)
    assert validate_pain001(str(path), version="09") == FileSummary(1, 123456)


# --- amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize("ore, text", [
    (1, "0.01"), (10, "0.10"), (99, "0.99"), (100, "1.00"), (123456, "1234.56"),
    (100_000_000_000, "1000000000.00"), (999_999_999_999_999_999, "9999999999999999.99"),
])
def test_format_amount(ore, text):
    assert format_amount(ore) == text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=30))
def test_amounts_are_exact(amounts):
    transfers = [transfer(i, ore) for i, ore in enumerate(amounts)]
    data = write(transfers, "09")
    document = etree.fromstring(data)

    total = sum(amounts)
    assert texts(document, "//p:GrpHdr/p:CtrlSum", "09") == [f"{total // 100}.{total % 100:02d}"]
    assert texts(document, "//p:PmtInf/p:CtrlSum", "09") == [f"{total // 100}.{total % 100:02d}"]
    assert texts(document, "//p:InstdAmt", "09") == [f"{ore // 100}.{ore % 100:02d}" for ore in amounts]
    assert {e.get("Ccy") for e in find(document, "//p:InstdAmt", "09")} == {"SEK"}
    assert validate_pain001(io.BytesIO(data), version="09") == FileSummary(len(amounts), total)


@pytest.mark.parametrize("count_delta, total_delta", [(1, 0), (-1, 0), (0, 1), (0, -100)])
def test_count_or_total_not_matching_the_transfers_is_refused(count_delta, total_delta, tmp_path):
    transfers = [transfer(1, 1000), transfer(2, 2000)]
    with pytest.raises(Iso20022Error, match="stämmer inte med filhuvudet") as raised:
        write(transfers, count=2 + count_delta, total=3000 + total_delta)
    assert "2 betalningar på 30.00 kr" in str(raised.value)

    path = tmp_path / "run.xml"
    with pytest.raises(Iso20022Error):
        write(transfers, count=2 + count_delta, total=3000 + total_delta, stream=path)
    assert not path.exists()  # the half-right file is not left behind


@pytest.mark.parametrize("bad, message", [
    (dict(end_to_end_id="X" * 36), "EndToEndId"),
    (dict(end_to_end_id="två ord"), "EndToEndId"),
    (dict(amount=0), "positivt heltal öre"),
    (dict(amount=12.5), "positivt heltal öre"),
    (dict(amount=True), "positivt heltal öre"),
    (dict(creditor=Party("Anna", Account())), "konto saknas"),
    (dict(creditor=Party("Anna", Account(clearing="83", number="9355435"))), "clearingnummer"),
    (dict(creditor=Party("Anna", Account(bankgiro="5050-1055"))), "bankgironummer"),
    (dict(creditor=Party("Anna", Account(iban="SE45 5000 0000 0583 9825 746X!"))), "IBAN"),
    (dict(creditor=Party("Anna", Account(iban=IBAN, bic="NOTABIC"))), "BIC"),
    (dict(creditor=Party("😀", Account(iban=IBAN))), "namn saknas"),
])
def test_bad_transfer_is_refused_naming_it(bad, message):
    with pytest.raises(Iso20022Error, match=message) as raised:
        write([transfer(1), replace(transfer(2), **bad)], count=2, total=2 * 123456)
    assert "betalning 2" in str(raised.value)


def test_unknown_version_is_refused():
    with pytest.raises(Iso20022Error, match="version"):
        write([transfer()], version="11")


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, clean", [
    ("Åsa Öberg-Ärlig", "Åsa Öberg-Ärlig"),
    ("  Anna\t\nÅström  ", "Anna Åström"),
    ("Zoë Müller Ørsted Æbeltoft Straße", "Zoë Müller Ørsted Æbeltoft Straße"),
    ("Łukasz Wałęsa", "Lukasz Walesa"),
    ("Nguyễn Thị Ánh", "Nguyen Thi Ánh"),
    ("Ștefan Çelik", "Stefan Çelik"),
    ("A&B <AB> \"citat\" 'x'", "A&B <AB> \"citat\" 'x'"),
    ("bell\x07 nul\x00 zw\u200bsp 😀 ok", "bell nul zwsp ok"),
    ("Försörjningsstöd – “december”", "Försörjningsstöd - \"december\""),
    ("e\u0301", "é"),  # decomposed input is composed
])
def test_clean_text(raw, clean):
    assert clean_text(raw, 140) == clean


def test_long_texts_are_cut_and_special_characters_escaped():
    name = "Anna-Karin Åkesson <&> " + "Lindqvist " * 10
    remittance = "Försörjningsstöd 2026-12 & hyra <jan> " + "ö" * 200
    data = write([transfer(name=name, remittance=remittance)], "03")

    validate_pain001(io.BytesIO(data), version="03")
    assert b"<Nm>Anna-Karin \xc3\x85kesson &lt;&amp;&gt; Lindqvist" in data
    document = etree.fromstring(data)
    [nm] = texts(document, "//p:Cdtr/p:Nm", "03")
    [ustrd] = texts(document, "//p:RmtInf/p:Ustrd", "03")
    assert nm == clean_text(name, 70) and len(nm) <= 70 and nm.startswith("Anna-Karin Åkesson <&>")
    assert len(ustrd) == 140 and ustrd.startswith("Försörjningsstöd 2026-12 & hyra <jan> ööö")


def test_empty_remittance_leaves_out_rmtinf():
    document = etree.fromstring(write([transfer(remittance="  ")]))
    assert find(document, "//p:RmtInf", "09") == []


# --- validation -------------------------------------------------------------------------


def test_missing_end_to_end_id_is_invalid_with_its_line():
    data = write([transfer(i, 1000 + i) for i in range(1, 6)])
    needle = b"<EndToEndId>LIKA-4-1</EndToEndId>"
    corrupted = data.replace(needle, b"")

    with pytest.raises(Pain001Invalid, match=r"rad \d+") as raised:
        validate_pain001(io.BytesIO(corrupted), version="09")
    message = str(raised.value)
    # The PmtId that lost its EndToEndId starts the line above the removed one.
    assert f"rad {line_of(data, needle) - 2}:" in message
    assert "EndToEndId" in message and "\n" not in message
    with pytest.raises(etree.DocumentInvalid):  # the XSD agrees
        xsd("09").assertValid(etree.fromstring(corrupted))


def test_changed_ctrl_sum_is_invalid_with_its_line():
    data = write([transfer(1, 1000), transfer(2, 2000)])
    corrupted = data.replace(b"<CtrlSum>30.00</CtrlSum>", b"<CtrlSum>31.00</CtrlSum>", 1)

    with pytest.raises(Pain001Invalid, match="GrpHdr/CtrlSum är 31.00") as raised:
        validate_pain001(io.BytesIO(corrupted), version="09")
    assert f"rad {line_of(data, b'<CtrlSum>')}:" in str(raised.value)


@pytest.mark.parametrize("old, new, message", [
    (b"<NbOfTxs>2</NbOfTxs>", b"<NbOfTxs>3</NbOfTxs>", "NbOfTxs är 3"),
    (b'Ccy="SEK">20.00', b'Ccy="SEK">20.01', "PmtInf/CtrlSum"),
    (b'Ccy="SEK">20.00', b'Ccy="EUR">20.00', "valutan EUR"),
    (b'Ccy="SEK">20.00', b'Ccy="SEK">20.005', "högst två decimaler"),
    (b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>XXX</PmtMtd>", "PmtMtd"),
    (b"<PmtInfId>", b"<Foo/><PmtInfId>", "Foo"),
    (b"</CstmrCdtTrfInitn>", b"", "ogiltig på rad"),  # not well-formed
])
def test_corrupted_files_are_invalid(old, new, message):
    data = write([transfer(1, 1000), transfer(2, 2000)])
    assert old in data
    with pytest.raises(Pain001Invalid, match=message) as raised:
        validate_pain001(io.BytesIO(data.replace(old, new, 1)), version="09")
    assert re.search(r"rad [1-9]\d*", str(raised.value))


def test_a_bad_transaction_far_into_the_file_is_found_in_the_middle():
    transfers = [transfer(i, 1000) for i in range(1, 201)]
    data = write(transfers, "03")
    needle = b"<EndToEndId>LIKA-150-1</EndToEndId>"
    corrupted = data.replace(needle, b"<EndToEndId></EndToEndId>")
    with pytest.raises(Pain001Invalid) as raised:
        validate_pain001(io.BytesIO(corrupted), version="03")
    assert f"rad {line_of(data, needle)}:" in str(raised.value)


def test_wrong_version_is_invalid():
    data = write([transfer()], "03")
    with pytest.raises(Pain001Invalid, match="fel version eller namnrymd.*pain.001.001.03"):
        validate_pain001(io.BytesIO(data), version="09")


def test_not_xml_is_invalid():
    with pytest.raises(Pain001Invalid, match="rad 1"):
        validate_pain001(io.BytesIO(b"NbOfTxs;CtrlSum\n1;2\n"), version="09")


# --- streaming --------------------------------------------------------------------------

STREAM_COUNT = int(os.environ.get("LIKA_ISO20022_STREAM_COUNT", "20000"))


def many_transfers(n):
    accounts = [Account(clearing="8327", number="9355435"), Account(bankgiro="50501055"), Account(iban=IBAN)]
    for i in range(n):
        yield Transfer(f"LIKA-{i}-1", 100_000 + i, Party(f"Person Nummer {i} Åström", accounts[i % 3]),
                       "Försörjningsstöd 2026-12, din del")


class RssSampler:
    """Samples the resident set size (Linux /proc) in a thread: the highest rise above
    the start, covering libxml2's memory, which tracemalloc does not see."""

    def __init__(self):
        self.start = self.peak = self.rss()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    @staticmethod
    def rss():
        try:
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            return 0

    def run(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def rise(self):
        return self.peak - self.start


def test_large_run_is_streamed(tmp_path, capsys):
    """Neither writing nor validating keeps the run in memory.  tracemalloc measures
    Python's allocations (asserted); the RSS rise also covers libxml2's and is printed.
    Set LIKA_ISO20022_STREAM_COUNT=100000 for the full-size measurement."""
    n, path = STREAM_COUNT, tmp_path / "large.xml"
    total = sum(100_000 + i for i in range(n))

    tracemalloc.start()
    try:
        with RssSampler() as write_rss:
            started = time.perf_counter()
            written = write_pain001(path, version="09", message_id="LIKA-large", created_at=CREATED,
                                    debtor=DEBTOR, payment_info_id="LIKA-large-1", execution_date=PAYDAY,
                                    count=n, total=total, transfers=many_transfers(n))
            write_seconds, write_peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with RssSampler() as validate_rss:
            started = time.perf_counter()
            validated = validate_pain001(path, version="09")
            validate_seconds, validate_peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert written == validated == FileSummary(n, total)
    with capsys.disabled():
        print(f"\n{n} transfers, {path.stat().st_size / 1e6:.1f} MB (times include tracemalloc): "
              f"write {write_seconds:.1f} s, peak {write_peak / 1e6:.2f} MB traced, "
              f"RSS +{write_rss.rise / 1e6:.1f} MB; validate {validate_seconds:.1f} s, "
              f"peak {validate_peak / 1e6:.2f} MB traced, RSS +{validate_rss.rise / 1e6:.1f} MB")
    assert write_peak < 60e6 and validate_peak < 60e6


# --- pain.002 ---------------------------------------------------------------------------


MESSAGE = "LIKA-0f3a9c2b7d4e4f1a8b6c5d2e"  # the pain.001 that pain002_v03_mixed.xml answers


def test_pain002_statuses_per_payment():
    assert read_pain002(DATA / "pain002_v03_mixed.xml") == [
        PaymentStatus("LIKA-101-1", "ACSC", "", "", None, MESSAGE),
        PaymentStatus("LIKA-102-1", "RJCT", "AC01", "Felaktigt kontonummer hos mottagarens bank", 451200, MESSAGE),
        PaymentStatus("LIKA-103-1", "ACCP", "", "", None, MESSAGE),
        PaymentStatus("LIKA-104-1", "RJCT", "BG-ACCOUNT-CLOSED", "", None, MESSAGE),
    ]


def test_pain002_acknowledgement_without_payments_is_empty():
    assert read_pain002((DATA / "pain002_v09_accepted.xml").read_bytes()) == []


def test_pain002_group_rejection_raises():
    with pytest.raises(FileRejected, match="avvisade filen") as raised:
        read_pain002(DATA / "pain002_v10_group_rejected.xml")
    rejected = raised.value
    assert (rejected.original_message_id, rejected.reason_code) == ("LIKA-7b1e2d3c4a5f60718293a4b5", "FF01")
    assert rejected.reason_text == "Filen kunde inte tolkas: ogiltigt filformat"
    assert isinstance(rejected, Iso20022Error)


def test_pain002_block_rejection_raises():
    with open(DATA / "pain002_v09_block_rejected.xml", "rb") as stream:
        with pytest.raises(FileRejected, match="betalningsuppdraget.*AM04.*Täckning") as raised:
            read_pain002(stream)
    assert raised.value.payment_info_id == "LIKA-aa11bb22cc33dd44ee55ff66-1"


def test_pain002_transaction_without_status_takes_the_block_status():
    xml = (DATA / "pain002_v03_mixed.xml").read_bytes().replace(b"<TxSts>ACCP</TxSts>", b"")
    assert read_pain002(xml)[2] == PaymentStatus("LIKA-103-1", "PART", "", "", None, MESSAGE)


@pytest.mark.parametrize("data, message", [
    (b"<Document><CstmrPmtStsRpt><GrpHdr></CstmrPmtStsRpt></Document>", "pain.002 är ogiltig på rad 1"),
    (b"", "pain.002 är ogiltig"),
    (b'<?xml version="1.0"?>\n<Document xmlns="urn:x">\n<BkToCstmrDbtCdtNtfctn/></Document>',
     "rad 3: BkToCstmrDbtCdtNtfctn är ingen pain.002"),
    (b"<Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts><TxSts>ACSC</TxSts></TxInfAndSts>"
     b"</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>", "saknar OrgnlEndToEndId"),
])
def test_pain002_bad_file(data, message):
    with pytest.raises(Iso20022Error, match=message) as raised:
        read_pain002(data)
    assert "\n" not in str(raised.value)


def test_pain002_does_not_expand_entities():
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b"<Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts>"
           b"<OrgnlEndToEndId>&e;</OrgnlEndToEndId><TxSts>ACSC</TxSts>"
           b"</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>")
    try:
        statuses = read_pain002(xml)
    except Iso20022Error:
        return  # refused: fine
    assert "root" not in statuses[0].end_to_end_id


# --- camt.054 ---------------------------------------------------------------------------


def test_camt054_v02_returns_only_returned_credits():
    assert read_camt054_returns(DATA / "camt054_v02_returns.xml") == [
        ReturnedPayment("LIKA-102-1", 451200, "AC04", "Kontot avslutat", date(2026, 12, 27)),
        ReturnedPayment("LIKA-110-1", 300025, "MD07", "Mottagaren avliden", date(2026, 12, 28)),
    ]


def test_camt054_without_booking_date_uses_the_value_date():
    data = (DATA / "camt054_v08_returns.xml").read_bytes()
    data = data.replace(b"<BookgDt><DtTm>2027-01-04T15:30:00+01:00</DtTm></BookgDt>", b"")
    data = data.replace(b"<ValDt><Dt>2027-01-04</Dt></ValDt>", b"<ValDt><Dt>2027-01-03</Dt></ValDt>")
    assert read_camt054_returns(data)[0].booking_date == date(2027, 1, 3)


def test_camt054_v08_returns():
    with open(DATA / "camt054_v08_returns.xml", "rb") as stream:
        assert read_camt054_returns(stream) == [
            ReturnedPayment("LIKA-201-1", 123456, "AC01", "Felaktigt kontonummer", date(2027, 1, 4)),
            ReturnedPayment("LIKA-203-1", 70000, "RETURNED-BY-BENEFICIARY-BANK", "", date(2027, 1, 5)),
        ]


@pytest.mark.parametrize("old, new, message", [
    (b'<Amt Ccy="SEK">1234.56</Amt>\n            <CdtDbtInd>', b'<Amt Ccy="EUR">1234.56</Amt>\n            <CdtDbtInd>',
     "valutan EUR"),
    (b'<Amt Ccy="SEK">1234.56</Amt>\n            <CdtDbtInd>', b'<Amt Ccy="SEK">12.345</Amt>\n            <CdtDbtInd>',
     "högst två decimaler"),
    (b"<DtTm>2027-01-04T15:30:00+01:00</DtTm>", b"<Dt>2027-01-32</Dt>", "bokföringsdatum"),
    (b"</Ntfctn>", b"", "camt.054 är ogiltig på rad"),
    (b"BkToCstmrDbtCdtNtfctn", b"BkToCstmrStmt", "ingen camt.054"),
])
def test_camt054_bad_file(old, new, message):
    data = (DATA / "camt054_v08_returns.xml").read_bytes()
    assert old in data
    with pytest.raises(Iso20022Error, match=message) as raised:
        read_camt054_returns(data.replace(old, new))
    assert re.search(r"rad \d+", str(raised.value))


# --- returns as CSV ---------------------------------------------------------------------


def test_returns_csv():
    text = "\ufeff" + (DATA / "returns.csv").read_text(encoding="utf-8")
    assert read_returns_csv(text) == [
        ReturnedPayment("LIKA-102-1", 451200, "AC04", "Kontot avslutat", date(2026, 12, 27)),
        ReturnedPayment("LIKA-110-1", 300025, "MD07", "Mottagaren avliden; dödsbo", date(2026, 12, 28)),
        ReturnedPayment("LIKA-111-1", 125050, "AC01", "Felaktigt kontonummer", date(2026, 12, 28)),
    ]


HEADER = "end_to_end_id;amount;reason_code;reason_text;booking_date\n"


@pytest.mark.parametrize("rows, message", [
    ("LIKA-1-1;100,00;AC04;x;2026-12-27\nLIKA-2-1;12,3,4;AC04;x;2026-12-27\n", "rad 3: ogiltigt belopp '12,3,4'"),
    ("LIKA-1-1;-5,00;AC04;x;2026-12-27\n", "rad 2: ogiltigt belopp"),
    ("LIKA-1-1;5,001;AC04;x;2026-12-27\n", "rad 2: ogiltigt belopp"),
    ("LIKA-1-1;1e3;AC04;x;2026-12-27\n", "rad 2: ogiltigt belopp"),
    ("LIKA-1-1;0,00;AC04;x;2026-12-27\n", "rad 2: beloppet måste vara större än noll"),
    ("LIKA-1-1;5,00;AC04;x;27/12/2026\n", "rad 2: ogiltigt datum"),
    ("LIKA-1-1;5,00;AC04;x;2026-02-30\n", "rad 2: ogiltigt datum"),
    ("LIKA-1-1;5,00;AC04;2026-12-27\n", "rad 2: 4 fält"),
    (";5,00;AC04;x;2026-12-27\n", "rad 2: end_to_end_id saknas"),
])
def test_returns_csv_bad_row_names_its_line(rows, message):
    with pytest.raises(Iso20022Error, match=re.escape(message)):
        read_returns_csv(HEADER + rows)


def test_returns_csv_needs_the_header():
    with pytest.raises(Iso20022Error, match="rad 1: rubrikraden"):
        read_returns_csv("id;belopp\nLIKA-1-1;5,00\n")
    assert read_returns_csv(HEADER) == []
