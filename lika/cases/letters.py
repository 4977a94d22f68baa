"""The beslutsbrev: one letter per adult, in Swedish, rendered from the rows of a
decision (DESIGN.md M3, M7; FACTS.md §3).  Reads only, writes nothing.

Two rules protect people and are kept here, not in the template:

* the address of a person with skyddade personuppgifter is never printed, on
  any letter; their own letter says so instead.  The household shares the address, so
  it is not printed on the letter of anyone who shares (or shared) a household with
  her either (``Person.address_hidden``);
* when one adult is paid because of violence, the other adult's letter does not
  name the reason.  The free-text grounds (``reason_text``) are never printed.
"""

from decimal import Decimal

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lika.core.calculation import COST_TYPES
from lika.core.money import format_kronor, to_ore

from .models import Decision, DecisionLine

TITLE = "Beslut om försörjningsstöd"
PROTECTED_ADDRESS_NOTICE = "Adress visas inte – skyddade personuppgifter"
VIOLENCE_REASON = "violence_protection"
INCOME_KINDS = ("income", "disregard")
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


def decision_letter_html(decision, recipient) -> str:
    """The letter of ``decision`` to ``recipient`` (one of its DecisionRecipients) as HTML."""
    with translation.override("sv"):
        return render_to_string("cases/letter.html", letter_context(decision, recipient))


def decision_letter_pdf(decision, recipient) -> bytes:
    """The same letter as an A4 PDF (tagged, for screen readers)."""
    html = decision_letter_html(decision, recipient)
    return weasyprint.HTML(string=html, base_url=None).write_pdf(pdf_tags=True)


def letter_context(decision, recipient) -> dict:
    """Everything the template shows, already formatted; raises ValueError when
    ``recipient`` is not one of the decision's recipients."""
    decision = _load(decision.pk)
    recipients = list(decision.recipients.select_related("person"))
    me = _the_recipient(recipients, recipient)
    names = {r.person_id: _name(r.person) for r in recipients}
    lines = list(decision.lines.all())
    result = decision.calculation.result or {}
    return {
        "title": TITLE,
        "draft": decision.status != Decision.Status.ISSUED,
        "sender": _sender(decision),
        "addressee": _addressee(me.person),
        "month": month_text(decision.application.month),
        "couple": len(names) > 1,
        "recipient_names": and_join(list(names.values())),
        "lines": [_line(line) for line in lines],
        "applied_total": format_kronor(sum(line.applied_amount for line in lines)),
        "granted_lines_total": format_kronor(sum(line.granted_amount for line in lines)),
        # every line not granted in full, and a bifall that states a reason (a housing cost
        # accepted above the guideline by a documented deviation)
        "reasons": [_reason(line) for line in lines if _not_in_full(line) or line.reason],
        "incomes": _incomes(result, decision.calculation.members or [], names),
        "counted_income": format_kronor(_ore(result.get("counted_income", 0))),
        "granted": format_kronor(decision.granted_amount),
        "refused_in_total": decision.granted_amount == 0,
        "payment": _payment(decision, me.person_id, names),
        "legal_bases": _legal_bases(lines, result),
        "appeal_address": settings.LIKA_APPEAL_ADDRESS,
        "violence_support": settings.LIKA_VIOLENCE_SUPPORT,
        "decision_maker": _decision_maker(decision.decided_by),
        "change": _change(decision),
    }


def _change(decision) -> dict | None:
    """What an ändringsbeslut says about the decision it replaces."""
    earlier = decision.supersedes
    if earlier is None:
        return None
    return {"earlier_date": timezone.localtime(earlier.decided_at).date().isoformat() if earlier.decided_at else "",
            "earlier_granted": format_kronor(earlier.granted_amount), "reason": decision.change_reason}


def _load(pk):
    return Decision.objects.select_related(
        "application__case__unit__municipality", "calculation", "decided_by", "payment_exception", "supersedes",
    ).get(pk=pk)


def _the_recipient(recipients, recipient):
    for row in recipients:
        if row.pk == recipient.pk:
            return row
    raise ValueError("mottagaren hör inte till detta beslut")


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}"


def month_text(month) -> str:
    """``date(2026, 12, 1)`` → ``"december 2026"``."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def and_join(words) -> str:
    """``["Sara Lind", "Johan Lind"]`` → ``"Sara Lind och Johan Lind"``."""
    return " och ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _sender(decision) -> dict:
    case = decision.application.case
    when = decision.decided_at or decision.prepared_at
    return {"municipality": case.unit.municipality.name, "unit": case.unit.name,
            "date": timezone.localdate(when).isoformat(), "reference": case.reference}


def _addressee(person) -> dict:
    if person.address_hidden:
        # the notice only on her own letter: the partner's letter does not say why
        notice = PROTECTED_ADDRESS_NOTICE if person.protected_identity else ""
        return {"name": _name(person), "address": [], "notice": notice}
    town = f"{person.postal_code} {person.city}".strip()
    return {"name": _name(person), "address": [x for x in (person.street_address, town) if x],
            "notice": ""}


def _line(line) -> dict:
    return {"label": line.label, "applied": format_kronor(line.applied_amount),
            "granted": format_kronor(line.granted_amount), "outcome": str(line.get_outcome_display())}


def _not_in_full(line) -> bool:
    return line.outcome != DecisionLine.Outcome.GRANTED or line.granted_amount < line.applied_amount


def _reason(line) -> dict:
    return {"label": line.label, "outcome": str(line.get_outcome_display()), "reason": line.reason,
            "legal_basis": line.legal_basis}


def _ore(value) -> int:
    """A kronor amount of the stored calculation JSON (number or string) → öre."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return to_ore(value)


def _incomes(result, members, names) -> list:
    rows = []
    for item in result.get("lines", []):
        if item.get("kind") not in INCOME_KINDS:
            continue
        ore = _ore(item.get("amount", 0))
        deduct = item["kind"] == "disregard"
        rows.append({"label": _income_label(item, members, names), "deduct": deduct,
                     "amount": ("−\u00a0" if deduct else "") + format_kronor(ore)})
    return rows


def _income_label(item, members, names) -> str:
    label = item.get("label", "")
    if item.get("detail"):
        label = f"{label} ({item['detail']})"
    who = item.get("members") or []
    person_id = members[who[0]] if len(who) == 1 and who[0] < len(members) else None
    return f"{label}, {names[person_id]}" if person_id in names else label


def _payment(decision, me, names) -> dict:
    shares = list(decision.shares.select_related("person"))
    direct = [{"label": _direct_label(s), "amount": format_kronor(s.amount)}
              for s in shares if s.person_id is None]
    adults = sorted(({"label": "Till dig" if s.person_id == me else f"Till {names.get(s.person_id) or _name(s.person)}",
                      "amount": format_kronor(s.amount), "mine": s.person_id == me}
                     for s in shares if s.person_id is not None), key=lambda row: not row["mine"])
    return {"direct": direct, "adults": adults,
            "explanation": _payment_explanation(decision, me, [s for s in shares if s.person_id])}


def _direct_label(share) -> str:
    kind = COST_TYPES.get(share.direct_type, "")
    return f"Direkt till {share.direct_payee} ({kind.lower()})" if kind else f"Direkt till {share.direct_payee}"


def _payment_explanation(decision, me, adult_shares) -> list:
    if decision.payment_mode == Decision.PaymentMode.SINGLE:
        return _single_explanation(decision.payment_exception, me)
    if not adult_shares:
        return ["Ingen utbetalning görs till er."]
    if len(adult_shares) == 1:
        return ["Biståndet betalas till ditt eget konto."]
    text = ["Biståndet delas lika mellan er och betalas till var och ens eget konto."]
    if len({s.amount for s in adult_shares}) > 1:
        text.append("När beloppet inte går att dela lika på öret får ni det överblivna öret varannan månad.")
    return text


def _single_explanation(exception, me) -> list:
    category = settings.LIKA_PAYMENT_EXCEPTION_REASONS.get(exception.reason, "")
    if exception.reason == VIOLENCE_REASON:
        # Not even on the recipient's own letter: post and shared digital mailboxes are
        # often read by the partner.  The case worker tells the recipient in person.
        category = ""
    grounds = f"särskilda skäl: {category}." if category else "särskilda skäl."
    if exception.recipient_id == me:
        return [f"Biståndet betalas bara till dig, inte delat mellan er, eftersom det finns {grounds}",
                f"Utbetalningen till bara dig gäller till och med {exception.valid_to.isoformat()} "
                "och prövas sedan på nytt."]
    if exception.reason == VIOLENCE_REASON or not category:
        return ["Biståndet betalas till en av er, inte delat mellan er, eftersom det finns särskilda skäl. "
                "Skälen anges inte i detta brev (32 § förvaltningslagen (2017:900))."]
    return [f"Biståndet betalas till en av er, inte delat mellan er, eftersom det finns {grounds}"]


def _legal_bases(lines, result) -> list:
    bases = [line.legal_basis for line in lines]
    bases += [item.get("basis", "") for item in result.get("lines", [])]
    return list(dict.fromkeys(basis for basis in bases if basis))


def _decision_maker(user):
    if user is None:
        return None
    return {"name": user.get_full_name() or user.username, "title": str(user.get_role_display())}
