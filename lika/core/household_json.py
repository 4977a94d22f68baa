"""The JSON contract of ``lika calculate`` (docs/calculate.md): a household-month in,
the calculation and the payment split out.  Pure: dicts in, dicts and text out."""

import json
import re
import textwrap
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .calculation import (
    ADULT,
    CHILD,
    COST_TYPES,
    INCOME_TYPES,
    Calculation,
    Cost,
    HouseholdMonth,
    Income,
    Member,
)
from .job_incentive import PERIOD_MONTHS, SupportHistory
from .limits import InputLimitError, loads_json, shown
from .money import MoneyError, amount_ore, format_kronor, json_number
from .split import EQUAL, SINGLE, DirectPayment, PaymentSplit

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class InputError(ValueError):
    """The household-month JSON is not valid; the message says where and why."""


@dataclass(frozen=True)
class PaymentRequest:
    mode: str = EQUAL
    recipient: int | None = None
    reason: str = ""
    reason_text: str = ""
    direct: tuple = ()


@dataclass(frozen=True)
class Kronor:
    """An amount in öre that is written to JSON as an exact number of kronor."""

    ore: int


def _keys(obj, where, allowed, required=()):
    if not isinstance(obj, dict):
        raise InputError(f"{where}: ska vara ett objekt")
    unknown = sorted(set(obj) - set(allowed))
    if unknown:
        raise InputError(f"{where}: okänd nyckel {shown(unknown[0])}")
    for key in required:
        if key not in obj:
            raise InputError(f"{where}: {key!r} saknas")


def _amount(value, where):
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise InputError(f"{where}: beloppet ska vara ett tal i kronor")
    try:
        return amount_ore(Decimal(str(value)) if isinstance(value, float) else value)
    except MoneyError as exc:
        raise InputError(f"{where}: {exc}") from None


def _bool(obj, key, where, default=False):
    value = obj.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"{where}: {key!r} ska vara true eller false")
    return value


def _int(value, where, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{where}: ska vara ett heltal {low}–{high}")
    return value


def _date(value, where):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: datum ska skrivas ÅÅÅÅ-MM-DD, inte {shown(value)}") from None


def _month(value):
    match = MONTH.match(value) if isinstance(value, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        raise InputError(f"month: ska skrivas ÅÅÅÅ-MM, inte {shown(value)}")
    return int(match[1]), int(match[2])


def _member(obj, index):
    where = f"members[{index}]"
    _keys(obj, where, {"role", "birth_date", "cohabiting", "lunch_at_home", "days_present",
                       "hemmavarande", "name", "work_income_exempt_used", "job_incentive"}, ("role", "birth_date"))
    role = obj["role"]
    if role not in (ADULT, CHILD):
        raise InputError(f"{where}.role: ska vara 'adult' eller 'child', inte {shown(role)}")
    days = obj.get("days_present")
    used = obj.get("work_income_exempt_used")
    if used is not None and role != CHILD:
        raise InputError(f"{where}.work_income_exempt_used: gäller bara barn och skolungdomar")
    history = obj.get("job_incentive")
    if history is not None:
        if role != ADULT:
            raise InputError(f"{where}.job_incentive: jobbstimulans gäller bara vuxna")
        _keys(history, f"{where}.job_incentive", {"consecutive_support_months", "period_months_used"},
              ("consecutive_support_months",))
        history = SupportHistory(
            _int(history["consecutive_support_months"], f"{where}.job_incentive.consecutive_support_months",
                 0, 1200),
            _int(history.get("period_months_used", 0), f"{where}.job_incentive.period_months_used",
                 0, PERIOD_MONTHS))
    return Member(
        role=role,
        birth_date=_date(obj["birth_date"], f"{where}.birth_date"),
        cohabiting=_bool(obj, "cohabiting", where),
        lunch_at_home=_bool(obj, "lunch_at_home", where, True),
        days_present=None if days is None else _int(days, f"{where}.days_present", 0, 31),
        hemmavarande=_bool(obj, "hemmavarande", where),
        work_income_exempt_used=0 if used is None else _amount(used, f"{where}.work_income_exempt_used"),
        support_history=history,
    )


def _member_ref(obj, where, count):
    if "member" not in obj or obj["member"] is None:
        return None
    index = obj["member"]
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise InputError(f"{where}.member: medlem {shown(index)} finns inte i hushållet")
    return index


def _costs(items, count):
    out = []
    for index, obj in enumerate(items):
        where = f"costs[{index}]"
        _keys(obj, where, {"type", "amount", "member", "cap", "note", "guideline", "deviation"}, ("type", "amount"))
        if obj["type"] not in COST_TYPES:
            raise InputError(f"{where}.type: okänd kostnadstyp {shown(obj['type'])}")
        cap = obj.get("cap")
        cap = None if cap is None else _amount(cap, f"{where}.cap")
        reason, accepted = _deviation(obj.get("deviation"), f"{where}.deviation", cap)
        out.append(Cost(obj["type"], _amount(obj["amount"], where), _member_ref(obj, where, count),
                        cap, str(obj.get("note", "")), _text(obj.get("guideline", ""), f"{where}.guideline"),
                        reason, accepted))
    return tuple(out)


def _text(value, where, longest=500):
    if not isinstance(value, str) or len(value) > longest:
        raise InputError(f"{where}: ska vara en text på högst {longest} tecken")
    return value.strip()


def _deviation(obj, where, cap):
    """A documented deviation from the cap: ``{"reason": text, "accepted": kronor}`` (no
    ``accepted``: the whole cost)."""
    if obj is None:
        return "", None
    _keys(obj, where, {"reason", "accepted"}, ("reason",))
    reason = _text(obj["reason"], f"{where}.reason")
    if not reason:
        raise InputError(f"{where}.reason: ett avsteg från riktlinjen kräver ett skäl")
    if cap is None:
        raise InputError(f"{where}: avsteg från riktlinjen kräver en riktlinje (cap)")
    accepted = obj.get("accepted")
    return reason, None if accepted is None else _amount(accepted, f"{where}.accepted")


def _incomes(items, count):
    out = []
    for index, obj in enumerate(items):
        where = f"incomes[{index}]"
        _keys(obj, where, {"type", "amount", "member", "job_incentive", "note"}, ("type", "amount"))
        if obj["type"] not in INCOME_TYPES:
            raise InputError(f"{where}.type: okänd inkomsttyp {shown(obj['type'])}")
        out.append(Income(obj["type"], _amount(obj["amount"], where), _member_ref(obj, where, count),
                          _bool(obj, "job_incentive", where), str(obj.get("note", ""))))
    return tuple(out)


def _list(data, key):
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{key}: ska vara en lista")
    return value


def _payment(obj, members, reasons):
    if obj is None:
        return PaymentRequest()
    _keys(obj, "payment", {"mode", "recipient", "reason", "reason_text", "direct"}, ("mode",))
    mode = obj["mode"]
    if mode not in (EQUAL, SINGLE):
        raise InputError(f"payment.mode: ska vara 'equal' eller 'single', inte {shown(mode)}")
    direct = []
    for index, item in enumerate(_list(obj, "direct")):
        where = f"payment.direct[{index}]"
        _keys(item, where, {"type", "amount", "payee"}, ("type", "amount"))
        if item["type"] not in COST_TYPES:
            raise InputError(f"{where}.type: okänd kostnadstyp {shown(item['type'])}")
        amount = _amount(item["amount"], where)
        if amount == 0:
            raise InputError(f"{where}: beloppet måste vara större än noll")
        direct.append(DirectPayment(item["type"], amount, str(item.get("payee", ""))))
    request = PaymentRequest(mode=mode, direct=tuple(direct))
    if mode == EQUAL:
        extra = sorted({"recipient", "reason", "reason_text"} & set(obj))
        if extra:
            raise InputError(f"payment.{extra[0]}: gäller bara utbetalning till en part (mode 'single')")
        return request
    recipient = _member_ref({"member": obj.get("recipient")}, "payment.recipient", len(members))
    if recipient is None or members[recipient].role != ADULT:
        raise InputError("payment.recipient: ange den vuxna som ska få utbetalningen")
    reason, text = obj.get("reason"), obj.get("reason_text")
    if payees(members) != (recipient,):
        if not isinstance(reason, str) or not reason.strip():
            raise InputError("payment.reason: utbetalning till en part kräver särskilda skäl (kategori)")
        if reasons is not None and reason not in reasons:
            raise InputError(f"payment.reason: okänd kategori {shown(reason)}; giltiga: {', '.join(reasons)}")
        if not isinstance(text, str) or not text.strip():
            raise InputError("payment.reason_text: beskriv de särskilda skälen")
    return PaymentRequest(SINGLE, recipient, (reason or "").strip(), (text or "").strip(), tuple(direct))


def payees(members) -> tuple:
    """Who is paid: the couple (in the order entered), else the first adult."""
    couple = tuple(i for i, m in enumerate(members) if m.role == ADULT and m.cohabiting)
    if couple:
        return couple
    return tuple(i for i, m in enumerate(members) if m.role == ADULT)[:1]


def parse_household_month(data, *, exception_reasons=None) -> tuple[HouseholdMonth, PaymentRequest]:
    """Validate the input dict (numbers parsed as Decimal) and build core values."""
    _keys(data, "indata", {"month", "members", "costs", "incomes", "household_size", "payment"},
          ("month", "members"))
    year, month = _month(data["month"])
    raw_members = _list(data, "members")
    if not raw_members:
        raise InputError("members: hushållet måste ha minst en medlem")
    members = tuple(_member(obj, i) for i, obj in enumerate(raw_members))
    size = data.get("household_size")
    household = HouseholdMonth(
        year=year, month=month, members=members,
        costs=_costs(_list(data, "costs"), len(members)),
        incomes=_incomes(_list(data, "incomes"), len(members)),
        household_size=None if size is None else _int(size, "household_size", 1, 50),
    )
    return household, _payment(data.get("payment"), members, exception_reasons)


def loads(text: str):
    """Parse JSON text keeping every number exact (floats become Decimal), within the
    bounds of ``lika.core.limits`` (number length, nesting)."""
    try:
        return loads_json(text)
    except InputLimitError as exc:
        raise InputError(str(exc)) from None


def calculation_to_dict(calc: Calculation, split: PaymentSplit | None) -> dict:
    personal = calc.lines_of("personal")
    out = {
        "month": f"{calc.year}-{calc.month:02d}",
        "norm_year": calc.norm_year,
        "norm_version": calc.norm_version,
        "norm_status": calc.norm_status,
        "norm_estimated": list(calc.norm_estimated),
        "personal_costs": [{"members": list(line.members), "amount": Kronor(line.amount), "rule": line.rule}
                           for line in personal],
        "personal_costs_total": Kronor(calc.personal_costs),
        "household_costs": Kronor(calc.household_costs),
        "norm_total": Kronor(calc.norm_total),
        "reasonable_costs": Kronor(calc.reasonable_costs),
        "income_total": Kronor(calc.income_total),
        "disregarded_income": Kronor(calc.disregarded_income),
        "counted_income": Kronor(calc.counted_income),
        "need": Kronor(calc.need),
        "support": Kronor(calc.support),
        "surplus": Kronor(calc.surplus),
        "lines": [
            _line_dict(line) for line in calc.lines
        ],
        "warnings": list(calc.warnings),
    }
    if split is not None:
        out["payment"] = {"mode": split.mode, "reason": split.reason, "reason_text": split.reason_text}
        out["shares"] = [_share(share) for share in split.shares]
    return out


def _line_dict(line) -> dict:
    out = {"kind": line.kind, "rule": line.rule, "label": line.label, "amount": Kronor(line.amount),
           "members": list(line.members), "basis": line.basis, "detail": line.detail,
           "estimated": line.estimated}
    applied = getattr(line, "applied", None)
    if applied is not None:  # a cost judged against a cap: what was applied for
        out["applied"] = Kronor(applied)
    return out


def _share(share):
    if share.direct is not None:
        return {"direct": share.direct.type, "payee": share.direct.payee, "amount": Kronor(share.amount)}
    return {"member": share.member, "amount": Kronor(share.amount)}


def dumps(obj, indent=2, _level=0) -> str:
    """JSON text where :class:`Kronor` values are written as exact numbers."""
    pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
    if isinstance(obj, Kronor):
        return json_number(obj.ore)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(v, indent, _level + 1)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, list | tuple):
        if not obj:
            return "[]"
        if all(isinstance(v, int | str) and not isinstance(v, bool) for v in obj):
            return json.dumps(list(obj), ensure_ascii=False)
        return "[\n" + ",\n".join(f"{inner}{dumps(v, indent, _level + 1)}" for v in obj) + f"\n{pad}]"
    return json.dumps(obj, ensure_ascii=False)


def calculation_to_text(calc: Calculation, split: PaymentSplit | None) -> str:
    """A readable Swedish breakdown, line by line."""
    width = 58
    out = [f"Beräkning av försörjningsstöd {calc.year}-{calc.month:02d}",
           f"Riksnorm {calc.norm_year}, version {calc.norm_version} "
           f"({'fastställd' if calc.norm_status == 'verified' else 'PRELIMINÄR'})", ""]
    for warning in calc.warnings:
        out += [f"OBS! {warning}", ""]

    def row(label, amount, sign=""):
        text = f"{sign}{format_kronor(amount)}".replace("\u00a0", " ")
        return f"  {label[:width - 2]:<{width - 2}}{text:>16}"

    sections = [("personal", "Personliga kostnader"), ("household", "Gemensamma hushållskostnader"),
                ("cost", "Skäliga kostnader utöver riksnormen"), ("income", "Inkomster"),
                ("disregard", "Inkomst som inte räknas (jobbstimulans, barns arbetsinkomst)")]
    for kind, title in sections:
        lines = calc.lines_of(kind)
        if not lines:
            continue
        out.append(title)
        for line in lines:
            who = f" (medlem {', '.join(map(str, line.members))})" if kind in ("personal", "income", "disregard") \
                and line.members and len(line.members) < 3 else ""
            detail = f" – {line.detail}" if line.detail else ""
            applied = getattr(line, "applied", None)
            if applied is not None:  # a cost judged against a cap: what was applied for first
                who += f" (sökt {format_kronor(applied)})".replace("\u00a0", " ")
            if len(f"{line.label}{who}{detail}") <= width - 2:
                out.append(row(f"{line.label}{who}{detail}", line.amount))
            else:  # a long reason (jobbstimulans, a child's exemption, a guideline) on lines of its own
                out.append(row(f"{line.label}{who}", line.amount))
                out += textwrap.wrap(line.detail, width + 14, initial_indent="    ", subsequent_indent="    ")
        out.append("")
    out += [row("Riksnorm", calc.norm_total), row("Skäliga kostnader", calc.reasonable_costs),
            row("Behov", calc.need), row("Inkomster som räknas", calc.counted_income, "− "),
            row("Försörjningsstöd", calc.support)]
    if calc.surplus:
        out.append(row("Överskott", calc.surplus))
    if split is not None:
        out += ["", "Utbetalning" + (" till en part (särskilda skäl)" if split.mode == SINGLE else "")]
        for share in split.shares:
            if share.direct is not None:
                label = f"Direkt: {COST_TYPES[share.direct.type].lower()} {share.direct.payee}".rstrip()
            else:
                label = f"Till medlem {share.member}"
            out.append(row(label, share.amount))
    return "\n".join(out) + "\n"
