"""ISO 20022 files for the monthly payment run: SEK credit transfers to Swedish accounts.

Plain Python and lxml, no Django, so that it can be tested without a database.

* ``write_pain001`` streams a pain.001 (version "09" or "03") with ``lxml.etree.xmlfile``:
  one transaction is built, written and dropped at a time, so a run of 100 000 payments
  never lives in memory.  The counts and the sum that head the file come from the caller
  (a database aggregate); the writer checks them against what it actually wrote.
* ``validate_pain001`` checks a written file against the XSD shipped with sepaxml while
  parsing (``iterparse``, one transaction at a time, clearing as it goes) and recounts
  the sums.
* ``read_pain002``, ``read_camt054_returns`` and ``read_returns_csv`` read what the bank
  sends back: the status per payment and the payments that came back.

Amounts are ``int`` öre throughout and are formatted from integers, never via float.
Error messages are Swedish, one line, and say where (line, element or payment).
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib.resources import files

from lxml import etree

from lika.core.limits import MAX_NUMBER_LENGTH, shown
from lika.core.money import MAX_AMOUNT_ORE

__all__ = [
    "Account", "Party", "PostalAddress", "Transfer", "FileSummary", "PaymentStatus", "ReturnedPayment",
    "Iso20022Error", "Pain001Invalid", "FileRejected",
    "write_pain001", "validate_pain001", "read_pain002", "read_camt054_returns",
    "read_returns_csv", "format_amount", "clean_text",
]


# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """Where money goes or comes from.  Give one kind; if several are given the first of
    IBAN, clearing + number, bankgiro is used."""

    iban: str = ""
    clearing: str = ""
    number: str = ""
    bankgiro: str = ""
    bic: str = ""


@dataclass(frozen=True)
class PostalAddress:
    """Where the bank posts an utbetalningsavi (a money order): street, postal code, town."""

    street: str
    postal_code: str
    town: str
    country: str = "SE"


@dataclass(frozen=True)
class Party:
    name: str
    account: Account
    org_number: str = ""  # debtor only: the municipality's organisationsnummer
    address: PostalAddress | None = None  # creditor of an utbetalningsavi: no account, this address


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str  # unique per payment order, max 35 characters
    amount: int  # öre, > 0
    creditor: Party
    remittance: str  # unstructured text, cut to 140 characters


@dataclass(frozen=True)
class FileSummary:
    count: int
    total: int  # öre


@dataclass(frozen=True)
class PaymentStatus:
    end_to_end_id: str
    status: str  # e.g. ACSC, ACCP, ACTC, PDNG, RJCT
    reason_code: str  # "" when the bank gave none
    reason_text: str
    amount: int | None = None  # öre, SEK: OrgnlTxRef/Amt/InstdAmt when the bank repeats it
    original_message_id: str = ""  # the pain.001's MsgId (OrgnlGrpInf(AndSts)/OrgnlMsgId), when given


@dataclass(frozen=True)
class ReturnedPayment:
    end_to_end_id: str  # "" when the bank did not give the original EndToEndId
    amount: int  # öre
    reason_code: str
    reason_text: str
    booking_date: date


class Iso20022Error(ValueError):
    """A file that cannot be written or read; the message is Swedish and says where."""


class Pain001Invalid(Iso20022Error):
    """A pain.001 that breaks the XSD or whose control sums do not add up."""


class FileRejected(Iso20022Error):
    """pain.002: the bank rejected the whole file (group level) or a whole payment block,
    without listing the payments.  Nothing in that file or block will be paid."""

    def __init__(self, message, *, original_message_id="", payment_info_id="", status="RJCT",
                 reason_code="", reason_text=""):
        super().__init__(message)
        self.original_message_id = original_message_id
        self.payment_info_id = payment_info_id
        self.status = status
        self.reason_code = reason_code
        self.reason_text = reason_text


# --- versions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Version:
    namespace: str
    bic_tag: str  # FinInstnId/BIC (03) or FinInstnId/BICFI (09)
    bic_pattern: re.Pattern
    date_choice: bool  # ReqdExctnDt is <Dt> inside a choice (09) or a plain date (03)


_VERSIONS = {
    "03": _Version("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "BIC",
                   re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?"), False),
    "09": _Version("urn:iso:std:iso:20022:tech:xsd:pain.001.001.09", "BICFI",
                   re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?"), True),
}


def _version(version: str) -> _Version:
    try:
        return _VERSIONS[version]
    except KeyError:
        raise Iso20022Error(f"okänd pain.001-version {version!r} (kända: 03, 09)") from None


@cache
def _xsd_bytes(version: str) -> bytes:
    return (files("sepaxml") / "schemas" / f"pain.001.001.{version}.xsd").read_bytes()


# --- text and numbers -------------------------------------------------------------------

_ID = re.compile(r"[A-Za-z0-9/\-?:().,'+]{1,35}")
_DIGITS = re.compile(r"[0-9]+")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Za-z0-9]{1,30}")
_ORG_NUMBER = re.compile(r"[0-9]{10}|[0-9]{12}")
_TRANSLITERATION = str.maketrans({
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
    "œ": "oe", "Ŋ": "N", "ŋ": "n", "Ŧ": "T", "ŧ": "t", "‘": "'", "’": "'", "‚": "'",
    "“": '"', "”": '"', "„": '"', "‐": "-", "‑": "-", "–": "-", "—": "-", "…": "...",
    "€": "EUR",
})


# Printable ASCII and the letters of Latin-1 (å ä ö é ü ø æ ß ...): what Swedish banks take
# in names and messages.  Control characters, other whitespace, emoji and the like are not.
_NOT_ALLOWED = re.compile(r"[^\x20-\x7e\xc0-\xd6\xd8-\xf6\xf8-\xff]")


def _replace(match: re.Match) -> str:
    char = match[0]
    if char.isspace():
        return " "
    return _NOT_ALLOWED.sub("", unicodedata.normalize("NFKD", char))


def clean_text(value: str, max_length: int) -> str:
    """Text as banks accept it: NFC, whitespace collapsed, other scripts' accents dropped
    (ł → l, ș → s), anything else left out, cut to ``max_length`` characters.  XML
    escaping of ``<`` and ``&`` is left to the serializer."""
    value = unicodedata.normalize("NFC", value or "").translate(_TRANSLITERATION)
    value = _NOT_ALLOWED.sub(_replace, value)
    return " ".join(value.split())[:max_length].rstrip()


@lru_cache(maxsize=256)
def _clean_remittance(value: str) -> str:
    return clean_text(value, 140)  # a run has a few distinct messages: cached


def format_amount(ore: int) -> str:
    """Öre → the XML decimal with two decimals: ``12345`` → ``"123.45"``."""
    return f"{ore // 100}.{ore % 100:02d}"


def _amount_to_ore(text: str, where: str) -> int:
    text = (text or "").strip()
    try:
        if len(text) > MAX_NUMBER_LENGTH:
            raise InvalidOperation
        value = Decimal(text)
    except InvalidOperation:
        raise Iso20022Error(f"{where}: {shown(text)} är inte ett belopp") from None
    # bounded before any arithmetic: 1e999999999 would overflow, 1e-999999999 underflow to 0
    if not value.is_finite() or (value and not -40 < value.adjusted() < 15):
        raise Iso20022Error(f"{where}: {shown(text)} är inte ett belopp i kronor")
    ore = value * 100
    if value < 0 or ore != ore.to_integral_value():
        raise Iso20022Error(f"{where}: {shown(text)} är inte ett belopp i kronor med högst två decimaler")
    return int(ore)


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _find(element, *names):
    """The first descendant along ``names`` (local names, namespace ignored), or None."""
    for name in names:
        element = next((c for c in element if _local(c.tag) == name), None)
        if element is None:
            return None
    return element


def _text(element, *names) -> str:
    found = _find(element, *names)
    return (found.text or "").strip() if found is not None else ""


def _drop(element, keep_first=False):
    """Free a handled element and its handled predecessors of the same tag (except the
    first of the run with ``keep_first``)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    while (previous := element.getprevious()) is not None and previous.tag == element.tag:
        if keep_first and (previous.getprevious() is None or previous.getprevious().tag != element.tag):
            break
        parent.remove(previous)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _source(path_or_stream):
    if isinstance(path_or_stream, bytes | bytearray):
        return io.BytesIO(path_or_stream)
    if isinstance(path_or_stream, os.PathLike):
        return os.fspath(path_or_stream)
    return path_or_stream


def _iterparse(source, events, tag=None):
    # Bank files are outside input: no DTDs, no entities, no network.
    return etree.iterparse(_source(source), events=events, tag=tag, load_dtd=False,
                           resolve_entities=False, no_network=True, remove_comments=True)


# --- pain.001 writing -------------------------------------------------------------------


def _el(tag, text=None, **attrib):
    element = etree.Element(tag, **attrib)
    if text is not None:
        element.text = text
    return element


def _sub(parent, *path, text=None, **attrib):
    """Create ``path`` under ``parent`` and return the last element."""
    for tag in path:
        parent = etree.SubElement(parent, tag)
    if text is not None:
        parent.text = text
    if attrib:
        parent.attrib.update(attrib)
    return parent


def _check_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value) or value.startswith("/") \
            or value.endswith("/") or "//" in value:
        raise Iso20022Error(f"{what} {value!r} är ogiltigt: 1–35 tecken av A–Z, a–z, 0–9 och / - ? : ( ) . , ' +")
    return value


def _bic(spec: _Version, bic: str, where: str) -> str:
    bic = (bic or "").replace(" ", "").upper()
    if bic and not spec.bic_pattern.fullmatch(bic):
        raise Iso20022Error(f"{where}: BIC {bic!r} är ogiltig")
    return bic


def _account_id(parent, account: Account, where: str):
    """CashAccount/Id: IBAN, Swedish domestic account (BBAN = clearing + number) or
    bankgiro number (proprietary scheme BGNR).  Returns the kind used."""
    ident = _sub(parent, "Id")
    if account.iban:
        iban = account.iban.replace(" ", "").upper()
        if not _IBAN.fullmatch(iban):
            raise Iso20022Error(f"{where}: IBAN {account.iban!r} är ogiltigt")
        _sub(ident, "IBAN", text=iban)
        return "iban"
    if account.clearing or account.number:
        clearing, number = account.clearing, account.number
        if not (re.fullmatch(r"[0-9]{4,5}", clearing) and _DIGITS.fullmatch(number)
                and len(clearing + number) <= 34):
            raise Iso20022Error(f"{where}: clearingnummer {clearing!r} och kontonummer {number!r} "
                                "måste vara 4–5 respektive högst 30 siffror")
        other = _sub(ident, "Othr")
        _sub(other, "Id", text=clearing + number)
        _sub(other, "SchmeNm", "Cd", text="BBAN")
        return "domestic"
    if account.bankgiro:
        if not re.fullmatch(r"[0-9]{7,8}", account.bankgiro):
            raise Iso20022Error(f"{where}: bankgironummer {account.bankgiro!r} måste vara 7–8 siffror")
        other = _sub(ident, "Othr")
        _sub(other, "Id", text=account.bankgiro)
        _sub(other, "SchmeNm", "Prtry", text="BGNR")
        return "bankgiro"
    raise Iso20022Error(f"{where}: konto saknas (ange IBAN, clearing- och kontonummer eller bankgiro)")


def _agent(spec: _Version, tag: str, bic: str, clearing_member: str = ""):
    """BranchAndFinancialInstitutionIdentification: BIC and/or Swedish clearing number
    (ClrSysId SESBA); with neither, Othr/Id NOTPROVIDED."""
    agent = _el(tag)
    institution = _sub(agent, "FinInstnId")
    if bic:
        _sub(institution, spec.bic_tag, text=bic)
    if clearing_member:
        member = _sub(institution, "ClrSysMmbId")
        _sub(member, "ClrSysId", "Cd", text="SESBA")
        _sub(member, "MmbId", text=clearing_member)
    if not bic and not clearing_member:
        _sub(institution, "Othr", "Id", text="NOTPROVIDED")
    return agent


def _party(tag: str, name: str, org_number: str = ""):
    party = _el(tag)
    _sub(party, "Nm", text=name)
    if org_number:
        _sub(party, "Id", "OrgId", "Othr", "Id", text=org_number)
    return party


def _postal_address(address: PostalAddress, where: str):
    """Cdtr/PstlAdr of an utbetalningsavi: StrtNm, PstCd, TwnNm and Ctry, all required."""
    street, town = clean_text(address.street, 70), clean_text(address.town, 35)
    postal_code = clean_text(address.postal_code, 16)
    country = (address.country or "").upper()
    if not (street and postal_code and town and re.fullmatch(r"[A-Z]{2}", country)):
        raise Iso20022Error(f"{where}: utbetalningsavi kräver gatuadress, postnummer, ort och landskod")
    element = _el("PstlAdr")
    _sub(element, "StrtNm", text=street)
    _sub(element, "PstCd", text=postal_code)
    _sub(element, "TwnNm", text=town)
    _sub(element, "Ctry", text=country)
    return element


def _transaction(spec: _Version, transfer: Transfer, position: int, *, avi: bool = False):
    e2e = transfer.end_to_end_id
    where = f"betalning {position} ({e2e!r})"
    _check_id(e2e, f"betalning {position}: EndToEndId")
    amount = transfer.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount < 10**18:
        raise Iso20022Error(f"{where}: beloppet {amount!r} måste vara ett positivt heltal öre")
    account = transfer.creditor.account
    name = clean_text(transfer.creditor.name, 70)
    if not name:
        raise Iso20022Error(f"{where}: mottagarens namn saknas")

    tx = _el("CdtTrfTxInf")
    payment_id = _sub(tx, "PmtId")
    _sub(payment_id, "InstrId", text=e2e)
    _sub(payment_id, "EndToEndId", text=e2e)
    _sub(tx, "Amt", "InstdAmt", text=format_amount(amount), Ccy="SEK")
    if avi:
        # utbetalningsavi: the bank posts a money order to the creditor's address (mail to
        # creditor, MLCD); no account and no creditor agent (docs/formats.md)
        if transfer.creditor.address is None:
            raise Iso20022Error(f"{where}: utbetalningsavi utan adress")
        _sub(tx, "ChqInstr", "DlvryMtd", "Cd", text="MLCD")
        creditor = _party("Cdtr", name)
        creditor.append(_postal_address(transfer.creditor.address, where))
        tx.append(creditor)
        remittance = _clean_remittance(transfer.remittance)
        if remittance:
            _sub(tx, "RmtInf", "Ustrd", text=remittance)
        return tx
    creditor_account = _el("CdtrAcct")
    kind = _account_id(creditor_account, account, where)
    bic = _bic(spec, account.bic, where)
    member = {"domestic": account.clearing, "bankgiro": "9900"}.get(kind, "")
    if bic or member:
        tx.append(_agent(spec, "CdtrAgt", bic, member))
    tx.append(_party("Cdtr", name))
    tx.append(creditor_account)
    remittance = _clean_remittance(transfer.remittance)
    if remittance:
        _sub(tx, "RmtInf", "Ustrd", text=remittance)
    return tx


def write_pain001(stream, *, version: str, message_id: str, created_at: datetime, debtor: Party,
                  payment_info_id: str, execution_date: date, count: int, total: int,
                  transfers: Iterable[Transfer], avi_count: int = 0, avi_total: int = 0,
                  avi_transfers: Iterable[Transfer] = (), avi_payment_info_id: str = "") -> FileSummary:
    """Stream a pain.001.001.<version> ("09" or "03") with one payment block to ``stream``
    (a binary file object or a path) and return what was written.  Utbetalningsavier
    (``avi_transfers``: creditors with an ``address`` and no account) go in a second block
    with ``PmtMtd`` CHK, ``ChqInstr/DlvryMtd`` MLCD and ``Cdtr/PstlAdr``, no ``CdtrAcct``
    (docs/formats.md); a block without payments is left out, and the group header counts
    both.

    ``count`` and ``total`` (öre) head the file; if the transfers do not add up to them,
    ``Iso20022Error`` is raised after the last one and the file must be thrown away (a
    file this function opened from a path is removed on any error).

    Element choices: the debtor (InitgPty and Dbtr) is named with its organisationsnummer
    in Id/OrgId/Othr/Id; DbtrAgt is the debtor's BIC or, without one, FinInstnId/Othr/Id
    NOTPROVIDED (the bank knows its own customer).  A creditor account is an IBAN
    (CdtrAgt only when a BIC is given), a Swedish account as Othr/Id clearing + number
    with SchmeNm/Cd BBAN and CdtrAgt ClrSysMmbId (ClrSysId/Cd SESBA, MmbId the clearing
    number), or a bankgiro number as Othr/Id with SchmeNm/Prtry BGNR and CdtrAgt SESBA
    9900 (Bankgirot).  No ChrgBr (SLEV is SEPA's) and no PmtTpInf: both are optional and
    the bank applies its defaults for domestic SEK payments.  Names are cut to 70 and the
    message (RmtInf/Ustrd) to 140 characters after ``clean_text``.
    """
    spec = _version(version)
    _check_id(message_id, "MsgId")
    _check_id(payment_info_id, "PmtInfId")
    for what, number in (("antal betalningar", count), ("antal utbetalningsavier", avi_count)):
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise Iso20022Error(f"{what} {number!r} måste vara ett heltal, minst 0")
    if count + avi_count < 1:
        raise Iso20022Error(f"antal betalningar {count!r} måste vara minst 1")
    for what, amount, number in (("summan", total, count), ("summan av utbetalningsavierna", avi_total, avi_count)):
        if isinstance(amount, bool) or not isinstance(amount, int) or not (0 < amount < 10**18 or amount == number == 0):
            raise Iso20022Error(f"{what} {amount!r} måste vara ett positivt heltal öre")
    if avi_count:
        _check_id(avi_payment_info_id, "PmtInfId för utbetalningsavier")
    debtor_name = clean_text(debtor.name, 70)
    if not debtor_name:
        raise Iso20022Error("betalarens namn saknas")
    org_number = (debtor.org_number or "").replace("-", "")
    if org_number and not _ORG_NUMBER.fullmatch(org_number):
        raise Iso20022Error(f"organisationsnummer {debtor.org_number!r} måste vara 10 eller 12 siffror")

    header = _el("GrpHdr")
    _sub(header, "MsgId", text=message_id)
    _sub(header, "CreDtTm", text=created_at.replace(microsecond=0).isoformat())
    _sub(header, "NbOfTxs", text=str(count + avi_count))
    _sub(header, "CtrlSum", text=format_amount(total + avi_total))
    header.append(_party("InitgPty", debtor_name, org_number))

    def block(info_id, method, block_count, block_total):
        elements = [
            _el("PmtInfId", info_id), _el("PmtMtd", method), _el("BtchBookg", "true"),
            _el("NbOfTxs", str(block_count)), _el("CtrlSum", format_amount(block_total)),
        ]
        execution = _el("ReqdExctnDt")
        if spec.date_choice:
            _sub(execution, "Dt", text=execution_date.isoformat())
        else:
            execution.text = execution_date.isoformat()
        debtor_account = _el("DbtrAcct")
        _account_id(debtor_account, debtor.account, "betalarens konto")
        return [*elements, execution, _party("Dbtr", debtor_name, org_number), debtor_account,
                _agent(spec, "DbtrAgt", _bic(spec, debtor.account.bic, "betalarens bank"))]

    # credit transfers to accounts (TRF), then utbetalningsavier (CHK: the bank posts a
    # money order to the address); a block only when it has payments
    blocks = [(payment_info_id, "TRF", count, total, transfers, False),
              (avi_payment_info_id, "CHK", avi_count, avi_total, avi_transfers, True)]

    own = isinstance(stream, str | os.PathLike)
    out = open(stream, "wb") if own else stream
    written = written_total = 0
    try:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        with etree.xmlfile(out, encoding="utf-8") as xf:
            ns = spec.namespace
            with xf.element(f"{{{ns}}}Document", nsmap={None: ns}):
                xf.write("\n")
                with xf.element(f"{{{ns}}}CstmrCdtTrfInitn"):
                    # Children are built without a namespace and written inside the
                    # default-namespace Document, so they land in it without repeating
                    # xmlns on every transaction.
                    xf.write("\n")
                    xf.write(header, pretty_print=True)
                    for info_id, method, block_count, block_total, block_transfers, avi in blocks:
                        if not block_count:
                            continue
                        in_block = in_block_total = 0
                        with xf.element(f"{{{ns}}}PmtInf"):
                            xf.write("\n")
                            for element in block(info_id, method, block_count, block_total):
                                xf.write(element, pretty_print=True)
                            for transfer in block_transfers:
                                written += 1
                                in_block += 1
                                xf.write(_transaction(spec, transfer, written, avi=avi), pretty_print=True)
                                written_total += transfer.amount
                                in_block_total += transfer.amount
                        xf.write("\n")
                        if in_block != block_count or in_block_total != block_total:
                            raise Iso20022Error(
                                f"betalningarna stämmer inte med filhuvudet: {in_block} betalningar på "
                                f"{format_amount(in_block_total)} kr skrivna i blocket {method}, men NbOfTxs "
                                f"{block_count} och CtrlSum {format_amount(block_total)} kr angivna; kasta filen")
                xf.write("\n")
        if written != count + avi_count or written_total != total + avi_total:
            raise Iso20022Error(
                f"betalningarna stämmer inte med filhuvudet: {written} betalningar på "
                f"{format_amount(written_total)} kr skrivna, men NbOfTxs {count + avi_count} och CtrlSum "
                f"{format_amount(total + avi_total)} kr angivna; kasta filen")
    except BaseException:
        if own:
            out.close()
            os.unlink(stream)  # a half-written file of our own is never left behind
        raise
    if own:
        out.close()
    return FileSummary(count=written, total=written_total)


# --- pain.001 validation ----------------------------------------------------------------


def validate_pain001(path_or_stream, *, version: str) -> FileSummary:
    """Validate a pain.001 against the XSD shipped with sepaxml without building the whole
    tree, recount NbOfTxs and CtrlSum of the group header and of each payment block, and
    return the file's count and total (öre).  Raises ``Pain001Invalid`` with a line.

    libxml2's validation while parsing (``iterparse(..., schema=...)``) reports its errors
    only when the file has been read to the end, and without a line.  So each transaction
    is validated as it ends, against the same XSD with ``CdtTrfTxInf`` also declared as a
    global element, and then dropped, keeping the first of each block; at the end the rest
    of the document (headers plus those first transactions) is validated against the
    unchanged XSD.  A sequence of transactions is valid exactly when each one is, so this
    is the same check, with the line of the first error and an early stop.
    """
    spec = _version(version)
    ns = f"{{{spec.namespace}}}"
    tx_tag, sum_tags = ns + "CdtTrfTxInf", (ns + "NbOfTxs", ns + "CtrlSum")
    document_schema, transaction_schema = _schemas(version)
    declared = {}  # (parent local name, field) -> (value, line)
    count = total = block_count = block_total = 0
    try:
        parsing = _iterparse(path_or_stream, ("start", "end"),
                             tag=["{*}Document", tx_tag, *sum_tags, ns + "PmtInf"])
        for event, element in parsing:
            tag = element.tag
            if event == "start":
                if tag != ns + "Document" and element.getparent() is None:
                    found = etree.QName(element)
                    raise Pain001Invalid(
                        f"rad {element.sourceline}: fel version eller namnrymd: rotelementet "
                        f"{found.localname} har namnrymden {found.namespace or '(ingen)'}, "
                        f"väntade {spec.namespace}")
            elif tag == tx_tag:
                if not transaction_schema.validate(element):
                    raise Pain001Invalid(_schema_error(transaction_schema))
                block_count += 1
                block_total += _instructed_amount(element.find(f"{ns}Amt/{ns}InstdAmt"), element)
                if block_count > 1:
                    _drop(element, keep_first=True)
            elif tag in sum_tags:
                parent = _local(element.getparent().tag)
                declared[parent, _local(tag)] = (element.text, element.sourceline)
            elif tag == ns + "PmtInf":
                for extra in element.findall(tx_tag)[1:]:
                    element.remove(extra)
                _check_sums(declared, "PmtInf", block_count, block_total)
                count, total = count + block_count, total + block_total
                block_count = block_total = 0
                declared.pop(("PmtInf", "NbOfTxs"), None)
                declared.pop(("PmtInf", "CtrlSum"), None)
        if not document_schema.validate(parsing.root):
            raise Pain001Invalid(_schema_error(document_schema))
    except etree.XMLSyntaxError as error:
        raise Pain001Invalid(_xml_error("pain.001", error)) from None
    except OSError as error:
        raise Pain001Invalid(f"pain.001 kan inte läsas: {_one_line(error)}") from None
    _check_sums(declared, "GrpHdr", count, total)
    return FileSummary(count=count, total=total)


@cache
def _transaction_xsd(version: str) -> bytes:
    """The shipped XSD with CdtTrfTxInf also declared globally (same type), so that one
    transaction can be validated on its own."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    document = etree.fromstring(_xsd_bytes(version))
    declaration = document.find(f".//{xs}element[@name='CdtTrfTxInf']")
    etree.SubElement(document, f"{xs}element", name="CdtTrfTxInf", type=declaration.get("type"))
    return etree.tostring(document)


def _schemas(version: str) -> tuple[etree.XMLSchema, etree.XMLSchema]:
    # Fresh validators per call: cheap to build (milliseconds), and lxml validators keep
    # an error log, so they are not shared between threads.
    return (etree.XMLSchema(etree.fromstring(_xsd_bytes(version))),
            etree.XMLSchema(etree.fromstring(_transaction_xsd(version))))


def _schema_error(schema: etree.XMLSchema) -> str:
    error = schema.error_log[0]  # the first error; later ones tend to follow from it
    message = re.sub(r"\{[^}]*\}", "", error.message)  # namespaces make it unreadable
    return f"pain.001 följer inte XSD:n på rad {error.line}: {_one_line(message)}"


def _instructed_amount(amount, transaction) -> int:
    if amount is None:
        raise Pain001Invalid(f"rad {transaction.sourceline}: CdtTrfTxInf saknar Amt/InstdAmt")
    where = f"rad {amount.sourceline}: InstdAmt"
    if amount.get("Ccy") != "SEK":
        raise Pain001Invalid(f"{where} har valutan {amount.get('Ccy')}, inte SEK")
    try:
        return _amount_to_ore(amount.text, where)
    except Iso20022Error as error:
        raise Pain001Invalid(str(error)) from None


def _check_sums(declared, where: str, count: int, total: int):
    if (where, "NbOfTxs") in declared:
        text, line = declared[where, "NbOfTxs"]
        if text != str(count):
            raise Pain001Invalid(f"rad {line}: {where}/NbOfTxs är {text} men filen har {count} betalningar")
    if (where, "CtrlSum") in declared:
        text, line = declared[where, "CtrlSum"]
        try:
            declared_total = _amount_to_ore(text, f"rad {line}: {where}/CtrlSum")
        except Iso20022Error as error:
            raise Pain001Invalid(str(error)) from None
        if declared_total != total:
            raise Pain001Invalid(f"rad {line}: {where}/CtrlSum är {text} men betalningarna "
                                 f"summerar till {format_amount(total)}")


def _xml_error(kind: str, error: etree.XMLSyntaxError) -> str:
    line = error.lineno or (error.position[0] if error.position else 0)
    return f"{kind} är ogiltig på rad {line}: {_one_line(error.msg)}"


# --- pain.002 ---------------------------------------------------------------------------


def _reason(element) -> tuple[str, str]:
    """(code, text) from StsRsnInf: the first reason's Cd (or Prtry), every AddtlInf."""
    code, texts = "", []
    for info in (c for c in element if _local(c.tag) == "StsRsnInf"):
        code = code or _text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry")
        texts += [(c.text or "").strip() for c in info if _local(c.tag) == "AddtlInf"]
    return code, _one_line(" ".join(texts))


def read_pain002(path_or_stream) -> list[PaymentStatus]:
    """The status of each payment in a pain.002 (any version; namespaces are ignored).

    A transaction without its own TxSts takes its block's or the group's status.  An
    empty list means the bank only acknowledged the file (e.g. GrpSts ACCP) without
    per-payment statuses.  When the group (GrpSts) or a payment block (PmtInfSts) is
    rejected (RJCT) without listing its payments, ``FileRejected`` is raised: nothing
    in it will be paid, and treating it as "no news" would be wrong.
    """
    statuses: list[PaymentStatus] = []
    group = {"status": "", "reason": ("", ""), "message_id": ""}
    block_status, block_reason, block_id, block_listed = "", ("", ""), "", 0
    depth, seen_report, line = 0, False, 0
    try:
        for event, element in _iterparse(path_or_stream, ("start", "end")):
            line = element.sourceline or line
            if event == "start":
                depth += 1
                if depth == 2:
                    seen_report = _local(element.tag) == "CstmrPmtStsRpt"
                    if not seen_report:
                        raise Iso20022Error(f"rad {line}: {_local(element.tag)} är ingen "
                                            "pain.002 (CstmrPmtStsRpt väntades)")
                continue
            depth -= 1
            name = _local(element.tag)
            if name == "OrgnlGrpInfAndSts":
                group = {"status": _text(element, "GrpSts"), "reason": _reason(element),
                         "message_id": _text(element, "OrgnlMsgId")}
            elif name == "PmtInfSts":
                block_status = (element.text or "").strip()
            elif name == "OrgnlPmtInfId":
                block_id = (element.text or "").strip()
            elif name == "TxInfAndSts":
                e2e = _text(element, "OrgnlEndToEndId")
                if not e2e:
                    raise Iso20022Error(f"rad {line}: TxInfAndSts saknar OrgnlEndToEndId")
                status = _text(element, "TxSts") or block_status or group["status"]
                if not status:
                    raise Iso20022Error(f"rad {line}: status saknas för {shown(e2e)}")
                message_id = _text(element, "OrgnlGrpInf", "OrgnlMsgId") or group["message_id"]
                statuses.append(PaymentStatus(e2e, status, *_reason(element), _original_amount(element, e2e),
                                              message_id))
                block_listed += 1
                _drop(element)
            elif name == "OrgnlPmtInfAndSts":
                block_reason = _reason(element)
                if block_status == "RJCT" and not block_listed:
                    raise FileRejected(
                        f"banken avvisade betalningsuppdraget {shown(block_id)} i sin helhet "
                        f"({_reason_words(*block_reason)})",
                        original_message_id=group["message_id"], payment_info_id=block_id,
                        reason_code=block_reason[0], reason_text=block_reason[1])
                block_status, block_id, block_listed = "", "", 0
                element.clear(keep_tail=True)
    except etree.XMLSyntaxError as error:
        raise Iso20022Error(_xml_error("pain.002", error)) from None
    except OSError as error:
        raise Iso20022Error(f"pain.002 kan inte läsas: {_one_line(error)}") from None
    if not seen_report:
        raise Iso20022Error("filen är ingen pain.002 (CstmrPmtStsRpt saknas)")
    if group["status"] == "RJCT" and not statuses:
        raise FileRejected(
            f"banken avvisade filen {shown(group['message_id'])} i sin helhet "
            f"({_reason_words(*group['reason'])})",
            original_message_id=group["message_id"], reason_code=group["reason"][0],
            reason_text=group["reason"][1])
    return statuses


def _original_amount(transaction, e2e: str) -> int | None:
    """OrgnlTxRef/Amt/InstdAmt of a pain.002 transaction in öre (None when not given);
    a currency other than SEK is refused, naming the payment."""
    amount = _find(transaction, "OrgnlTxRef", "Amt", "InstdAmt")
    if amount is None:
        return None
    where = f"rad {amount.sourceline}: {shown(e2e)}"
    if amount.get("Ccy") != "SEK":
        raise Iso20022Error(f"{where}: beloppet har valutan {(amount.get('Ccy') or '')[:10]}, inte SEK: filen läses inte in")
    return _amount_to_ore(amount.text, f"{where}: OrgnlTxRef/Amt")


def _reason_words(code: str, text: str) -> str:
    code, text = code[:35], text if len(text) <= 140 else text[:140] + "…"
    return " ".join(part for part in (f"orsak {code}" if code else "ingen orsakskod", text) if part)


# --- camt.054 ---------------------------------------------------------------------------


def read_camt054_returns(path_or_stream) -> list[ReturnedPayment]:
    """Payments that came back, from a camt.054 (versions 02–08; namespaces ignored).

    Every transaction detail (Ntry/NtryDtls/TxDtls) with return information (RtrInf) of
    a booked (or status-less) credit entry is returned; other entries are ignored.  The
    amount is TxDtls/Amt, else AmtDtls/TxAmt/Amt or AmtDtls/InstdAmt/Amt, else the
    entry's amount when it has only one transaction.  Amounts must be SEK.
    """
    returns: list[ReturnedPayment] = []
    depth, seen_notification, line = 0, False, 0
    try:
        for event, element in _iterparse(path_or_stream, ("start", "end")):
            line = element.sourceline or line
            if event == "start":
                depth += 1
                if depth == 2:
                    seen_notification = _local(element.tag) == "BkToCstmrDbtCdtNtfctn"
                if depth == 2 and not seen_notification:
                    raise Iso20022Error(f"rad {line}: {_local(element.tag)} är ingen camt.054 "
                                        "(BkToCstmrDbtCdtNtfctn väntades)")
                continue
            depth -= 1
            if _local(element.tag) == "Ntry":
                returns += _entry_returns(element)
                _drop(element)
    except etree.XMLSyntaxError as error:
        raise Iso20022Error(_xml_error("camt.054", error)) from None
    except OSError as error:
        raise Iso20022Error(f"camt.054 kan inte läsas: {_one_line(error)}") from None
    if not seen_notification:
        raise Iso20022Error("filen är ingen camt.054 (BkToCstmrDbtCdtNtfctn saknas)")
    return returns


def _entry_returns(entry) -> list[ReturnedPayment]:
    line = entry.sourceline
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
    if status not in ("", "BOOK") or _text(entry, "CdtDbtInd") == "DBIT":
        return []
    details = [tx for entry_details in entry if _local(entry_details.tag) == "NtryDtls"
               for tx in entry_details if _local(tx.tag) == "TxDtls"]
    returned = [tx for tx in details if _find(tx, "RtrInf") is not None]
    if not returned:
        return []
    booked = (_text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")[:10]
              or _text(entry, "ValDt", "Dt") or _text(entry, "ValDt", "DtTm")[:10])
    try:
        booking_date = date.fromisoformat(booked)
    except ValueError:
        raise Iso20022Error(f"rad {line}: Ntry saknar giltigt bokföringsdatum ({shown(booked)})") from None
    result = []
    for tx in returned:
        where = f"rad {tx.sourceline}: TxDtls"
        amount = next((a for a in (_find(tx, "Amt"), _find(tx, "AmtDtls", "TxAmt", "Amt"),
                                   _find(tx, "AmtDtls", "InstdAmt", "Amt")) if a is not None),
                      _find(entry, "Amt") if len(details) == 1 else None)
        if amount is None:
            raise Iso20022Error(f"{where} saknar belopp")
        e2e = _text(tx, "Refs", "EndToEndId")
        if amount.get("Ccy") != "SEK":
            raise Iso20022Error(f"{where} ({shown(e2e)}): beloppet har valutan {(amount.get('Ccy') or '')[:10]}, "
                                "inte SEK: filen läses inte in")
        info = _find(tx, "RtrInf")
        texts = [(c.text or "").strip() for c in info if _local(c.tag) == "AddtlInf"]
        result.append(ReturnedPayment(
            end_to_end_id=e2e,
            amount=_amount_to_ore(amount.text, f"{where}/Amt"),
            reason_code=_text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry"),
            reason_text=_one_line(" ".join(texts)),
            booking_date=booking_date,
        ))
    return result


# --- returns as CSV ---------------------------------------------------------------------

RETURNS_CSV_HEADER = ["end_to_end_id", "amount", "reason_code", "reason_text", "booking_date"]
_KRONOR = re.compile(r"([0-9]{1,15})(?:[.,]([0-9]{1,2}))?")  # bounded: no 5 000-digit integers


def read_returns_csv(text: str) -> list[ReturnedPayment]:
    """Returned payments from the bank's simple CSV: semicolon separated, header
    ``end_to_end_id;amount;reason_code;reason_text;booking_date``, amount in kronor
    (``1234,50`` or ``1234.50``; spaces as thousands separators), date ``YYYY-MM-DD``.
    Blank lines are skipped; a bad row raises ``Iso20022Error`` naming its line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    try:
        return _returns_rows(reader)
    except csv.Error as error:  # e.g. a field above csv's field size limit
        raise Iso20022Error(f"rad {reader.line_num}: trasig CSV ({error})") from None


def _returns_rows(reader) -> list[ReturnedPayment]:
    header = next(reader, None)
    if header is None or [cell.strip().lower() for cell in header] != RETURNS_CSV_HEADER:
        raise Iso20022Error(f"rad 1: rubrikraden ska vara {';'.join(RETURNS_CSV_HEADER)}")
    returns = []
    for row in reader:
        where = f"rad {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(RETURNS_CSV_HEADER):
            raise Iso20022Error(f"{where}: {len(row)} fält, {len(RETURNS_CSV_HEADER)} väntades")
        e2e, amount, code, reason, booked = (cell.strip() for cell in row)
        if not e2e:
            raise Iso20022Error(f"{where}: end_to_end_id saknas")
        match = _KRONOR.fullmatch(amount.replace(" ", "").replace("\u00a0", ""))
        if not match:
            raise Iso20022Error(f"{where}: ogiltigt belopp {shown(amount)} (kronor, t.ex. 1234,50)")
        ore = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
        if ore <= 0:
            raise Iso20022Error(f"{where}: beloppet måste vara större än noll")
        if ore > MAX_AMOUNT_ORE:
            raise Iso20022Error(f"{where}: beloppet {shown(amount)} är större än en betalning kan vara")
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", booked):
            raise Iso20022Error(f"{where}: ogiltigt datum {shown(booked)} (ÅÅÅÅ-MM-DD)")
        try:
            booking_date = date.fromisoformat(booked)
        except ValueError:
            raise Iso20022Error(f"{where}: ogiltigt datum {shown(booked)} (ÅÅÅÅ-MM-DD)") from None
        returns.append(ReturnedPayment(e2e, ore, code, _one_line(reason), booking_date))
    return returns
