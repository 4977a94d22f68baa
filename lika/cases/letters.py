"""The beslutsbrev: one letter per adult, in Swedish, rendered from the rows of a
decision (DESIGN.md M3, M7; FACTS.md §3).  Reads only, writes nothing.

Two rules protect people and are kept here, not in the template:

* the address of a person with skyddade personuppgifter is never printed, on
  any letter; their own letter says so instead.  The household shares the address, so
  it is not printed on the letter of anyone who shares (or shared) a household with
  her either (``Person.address_hidden``);
* when one adult is paid because of violence, the other adult's letter does not
  name the reason.  The free-text grounds (``reason_text``) are never printed.

Besides the decision (förvaltningslagen (2017:900) 32–33 §§: reasons, the provisions
applied and how to appeal) the letter gives the payment date, the account the
recipient's own share goes to (masked: only its last digits) and the case worker's
contact.  A recipient whose preferred language is English or Arabic gets the Swedish
letter followed, on new pages, by a translation (``letter_translations``); the Swedish
letter remains the decision.  docs/casework.md, "The letters".
"""

from decimal import Decimal

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from lika.accounts.settings import current as current_setting
from lika.core.calculation import COST_TYPES
from lika.core.household import NEW_SOCIAL_SERVICES_ACT
from lika.core.money import format_kronor, to_ore

from . import letter_translations as tr
from .models import Decision, DecisionLine

TITLE = "Beslut om försörjningsstöd"
PROTECTED_ADDRESS_NOTICE = "Adress visas inte – skyddade personuppgifter"
VIOLENCE_REASON = "violence_protection"
INCOME_KINDS = ("income", "disregard")
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


# The provision that makes the decision appealable (förvaltningsbesvär), by the law in
# force on the day of the decision: SoL (2025:400) övergångsbestämmelse 6 keeps the old
# law for appeals of decisions made before 2025-07-01.  35 kap. 1 § första stycket 1
# SoL (2025:400): decisions on insatser under 12 kap. 1 § may be appealed to allmän
# förvaltningsdomstol (SFS 2025:400; the text read in se-lex/sfs-processor); 16 kap. 3 §
# SoL (2001:453) before it.
APPEAL_PROVISION_2001 = "16 kap. 3 § socialtjänstlagen (2001:453)"
APPEAL_PROVISION_2025 = "35 kap. 1 § första stycket 1 socialtjänstlagen (2025:400)"


def appeal_provision(decision_day) -> str:
    return APPEAL_PROVISION_2025 if decision_day >= NEW_SOCIAL_SERVICES_ACT else APPEAL_PROVISION_2001


def decision_letter_html(decision, recipient, language=None) -> str:
    """The letter of ``decision`` to ``recipient`` (one of its DecisionRecipients) as HTML.

    ``language`` None: the letter as sent — the Swedish decision, followed by its
    translation when the recipient prefers English or Arabic.  ``"sv"``: the Swedish
    letter alone; ``"en"`` or ``"ar"``: the translation alone, as its own document."""
    if language not in (None, "sv", *tr.LANGUAGES):
        raise ValueError(f"okänt språk {language!r}")
    with translation.override("sv"):
        context = letter_context(decision, recipient)
        if language in tr.LANGUAGES:
            return render_to_string("cases/letter_translation.html", translation_context(context, language))
        wanted = context.pop("preferred_language")
        if language is None and wanted in tr.LANGUAGES:
            context["translation"] = mark_safe(render_to_string(  # rendered by our own template (escaped)
                "cases/letter_translation_body.html", translation_context(context, wanted)))
        return render_to_string("cases/letter.html", context)


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
    decision_day = timezone.localdate(decision.decided_at or decision.prepared_at)
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
        "appeal_provision": appeal_provision(decision_day),
        "payday": _payday(decision, decision_day),
        "case_worker": _case_worker(decision),
        "preferred_language": me.person.preferred_language,
        # what the translation needs beside the Swedish texts
        "raw": {"month": decision.application.month, "lines": lines, "result": result, "names": names,
                "members": decision.calculation.members or [], "me": me.person_id,
                "decision": decision},
        "appeal_address": settings.LIKA_APPEAL_ADDRESS,
        "violence_support": settings.LIKA_VIOLENCE_SUPPORT,
        "decision_maker": _decision_maker(decision.decided_by),
        "change": _change(decision),
        # issue 14: an amount on a provisional riksnorm is preliminary and is reviewed
        "provisional_norm": ({"year": decision.application.month.year}
                             if decision.norm_provisional or _calculation_provisional(decision) else None),
    }


def _calculation_provisional(decision) -> bool:
    from .decisions import calculation_is_provisional

    return calculation_is_provisional(decision.calculation)


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
        "application__case__case_worker", "prepared_by",
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
                      "amount": format_kronor(s.amount), "mine": s.person_id == me, "person_id": s.person_id}
                     for s in shares if s.person_id is not None), key=lambda row: not row["mine"])
    mine = next((s for s in shares if s.person_id == me and s.amount > 0), None)
    return {"direct": direct, "adults": adults,
            "explanation": _payment_explanation(decision, me, [s for s in shares if s.person_id]),
            "route": payout_route(mine.person) if mine else None}


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


# --- payment date, account, case worker -------------------------------------------------

def _payday(decision, decision_day) -> dict | None:
    """When the month's support is paid: the pay day of a payment run for the month not
    yet sent to the bank, else the day the municipality pays (``LIKA_PAY_DAY`` of the
    month before, moved to the banking day before it; the next banking day when that
    has passed), as known on the day of the decision.  None when nothing is paid."""
    if decision.granted_amount <= 0:
        return None
    from lika.payments.bankdays import default_payday
    from lika.payments.models import PaymentRun

    month = decision.application.month
    run = (PaymentRun.objects.filter(month=month, payday__gte=decision_day)
           .exclude(status=PaymentRun.Status.EXPORTED).order_by("-id").values_list("payday", flat=True).first())
    if run is not None:
        return {"date": run.isoformat(), "planned": True}
    day = default_payday(month, pay_day=current_setting("pay_day", on=month), today=decision_day)
    return {"date": day.isoformat(), "planned": False}


def masked_account(person) -> dict | None:
    """The account on record, masked: only its last digits (never the whole number).
    ``{"kind": "iban" | "bank", "digits": "1234", "text": "bankkonto ****1234"}``."""
    number = "".join((person.iban or person.bank_account or "").split())
    if not number:
        return None
    digits = number[-4:] if len(number) > 6 else number[-2:]
    kind = "iban" if person.iban else "bank"
    return {"kind": kind, "digits": digits,
            "text": f"{'konto (IBAN)' if kind == 'iban' else 'bankkonto'} ****{digits}"}


# How the recipient's own share reaches her, in one place: a new way of paying (such as
# an utbetalningsavi to an adult without an account) is added here, for the Swedish
# letter and (by ``kind``) its translations.
NO_ACCOUNT_TEXT = ("Du har inget bankkonto registrerat hos oss. Din del hålls inne och betalas ut när du har "
                   "registrerat ett konto: kontakta din handläggare.")


AVI_TEXT = ("Din del betalas med en utbetalningsavi som banken skickar till dig med posten. Du löser in "
            "avin på ett bankkontor eller hos ett ombud och visar legitimation.")


def payout_route(person) -> dict:
    # utbetalningsavi, chosen by the case worker (docs/payments.md); the address is never in
    # the letter, and a protected address is never paid by avi (the run holds the share)
    if getattr(person, "payment_method", "account") == "avi":
        return {"kind": "avi", "text": AVI_TEXT, "account": None}
    account = masked_account(person)
    if account is None:
        return {"kind": "held_no_account", "text": NO_ACCOUNT_TEXT, "account": None}
    return {"kind": "account", "text": f"Din del betalas till ditt {account['text']}.", "account": account}


def _case_worker(decision) -> dict | None:
    """The case worker the recipient can ask: the case's handläggare (else the one who
    prepared the decision), with her phone and e-mail, else the unit's."""
    case = decision.application.case
    user = case.case_worker or decision.prepared_by
    if user is None:
        return None
    unit = case.unit
    return {"name": user.get_full_name() or user.username, "unit": unit.name,
            "phone": user.phone or unit.phone, "email": user.email or unit.email}


# --- the translation ----------------------------------------------------------------------

class _LeftToRightValues(str):
    """A right-to-left text whose inserted values (dates, amounts, names, phone numbers,
    provisions) are kept left to right: each is wrapped in LEFT-TO-RIGHT ISOLATE … POP
    DIRECTIONAL ISOLATE (Unicode bidi, UAX #9), so "2026-12-07" or "0123-456 78" is not
    turned around inside Arabic.  Values that are themselves in the text's language
    (the month's name, a phrase) are left as they are."""

    KEEP = frozenset({"month", "account"})

    def format(self, *args, **kwargs):
        return str.format(self, *args, **{key: value if key in self.KEEP else f"\u2066{value}\u2069"
                                          for key, value in kwargs.items()})


def _texts(language: str) -> dict:
    texts = tr.TEXTS[language]
    if language not in tr.RTL:
        return texts
    return {key: _LeftToRightValues(value) if isinstance(value, str) else value for key, value in texts.items()}


def translation_context(context: dict, language: str) -> dict:
    """What ``letter_translation*.html`` shows, in ``language``, made from the Swedish
    letter's context (no further queries)."""
    t = _texts(language)
    raw = context["raw"]
    decision, month = raw["decision"], tr.month_name(language, raw["month"])
    outcome = t["outcomes"]
    lines = [{"label": tr.label_for(language, line.rule, line.label), "swedish": line.label,
              "applied": format_kronor(line.applied_amount), "granted": format_kronor(line.granted_amount),
              "outcome": outcome.get(line.outcome, line.outcome)} for line in raw["lines"]]
    reasons = [{"label": tr.label_for(language, line.rule, line.label), "outcome": outcome.get(line.outcome, ""),
                "reason": line.reason, "legal_basis": line.legal_basis}
               for line in raw["lines"] if _not_in_full(line)]
    incomes = []
    for item, row in zip((i for i in raw["result"].get("lines", []) if i.get("kind") in INCOME_KINDS),
                         context["incomes"], strict=True):
        label = tr.label_for(language, item.get("rule", ""), row["label"])
        who = item.get("members") or []
        person_id = raw["members"][who[0]] if len(who) == 1 and who[0] < len(raw["members"]) else None
        if person_id in raw["names"] and label != row["label"]:
            label = f"{label}, {raw['names'][person_id]}"
        incomes.append({"label": label, "swedish": row["label"], "amount": row["amount"]})
    sender, change = context["sender"], context["change"]
    return {
        "lang": language, "dir": "rtl" if language in tr.RTL else "ltr", "t": t,
        "title": t["title"], "draft": context["draft"], "sender": sender, "addressee": context["addressee"]["name"],
        "heading": (t["heading_change"] if change else t["heading"]).format(month=month),
        "change": t["change"].format(date=change["earlier_date"], month=month, amount=change["earlier_granted"],
                                     reason=change["reason"]) if change else "",
        "couple": t["couple"].format(names=", ".join(raw["names"].values())) if context["couple"] else "",
        "decision_intro": t["decision_intro"].format(month=month),
        "lines": lines, "applied_total": context["applied_total"], "granted_lines_total": context["granted_lines_total"],
        "reasons": reasons, "incomes": incomes, "counted_income": context["counted_income"],
        "granted_total": t["granted_total"].format(month=month, amount=context["granted"]),
        "refused_in_total": context["refused_in_total"],
        "payment": _translated_payment(t, context, raw, decision),
        "legal_bases": context["legal_bases"],
        "appeal_where": t["appeal_where"].format(address=context["appeal_address"]),
        "appeal_what": t["appeal_what"].format(date=sender["date"], reference=sender["reference"]),
        "appeal_law": t["appeal_law"].format(provision=context["appeal_provision"]),
        "violence_support": context["violence_support"],
        "case_worker": _translated_contact(t, context["case_worker"]),
        "decision_maker": context["decision_maker"],
    }


def _translated_payment(t, context, raw, decision) -> dict:
    payment, me, names = context["payment"], raw["me"], raw["names"]
    rows = [{"label": t["direct_to"].format(payee=row["label"].removeprefix("Direkt till ")), "amount": row["amount"]}
            for row in payment["direct"]]
    for row in payment["adults"]:
        label = t["to_you"] if row["mine"] else t["to_person"].format(
            name=names.get(row["person_id"]) or row["label"].removeprefix("Till "))
        rows.append({"label": label, "amount": row["amount"], "mine": row["mine"]})
    text = []
    if context["payday"]:
        key = "payday_planned" if context["payday"]["planned"] else "payday_estimated"
        text.append(t[key].format(date=context["payday"]["date"]))
    route = payment["route"]
    if route and route["kind"] == "account":
        account = route["account"]
        text.append(t["account"].format(account=t[f"account_{account['kind']}"].format(digits=account["digits"])))
    elif route and route["kind"] == "avi":
        text.append(t["avi"])
    elif route:
        text.append(t["no_account"])
    if payment["direct"]:
        text.append(t["direct_first"])
    text += _translated_explanation(t, decision, me, {row["amount"] for row in payment["adults"]},
                                    len(payment["adults"]))
    return {"rows": rows, "text": text}


def _translated_explanation(t, decision, me, amounts, count) -> list:
    if decision.payment_mode == Decision.PaymentMode.SINGLE:
        exception = decision.payment_exception
        if exception.recipient_id == me:  # the category is never translated: the Swedish letter has it
            return [t["single_me"].format(date=exception.valid_to.isoformat())]
        return [t["single_other"]]
    if not count:
        return [t["nothing_paid"]]
    if count == 1:
        return [t["own_account"]]
    text = [t["equal"]]
    if len(amounts) > 1:
        text.append(t["equal_odd"])
    return text


def _translated_contact(t, worker) -> list:
    if worker is None:
        return []
    out = [t["case_worker"].format(name=worker["name"], unit=worker["unit"])]
    if worker["phone"]:
        out.append(t["phone"].format(phone=worker["phone"]))
    if worker["email"]:
        out.append(t["email"].format(email=worker["email"]))
    return out


# --- the letter on a page of Lika ---------------------------------------------------------

LETTER_LANGUAGES = ("sv", *tr.LANGUAGES)


def letter_page_body(decision, recipient, language: str) -> str:
    """The letter's content in ``language`` for a page of Lika (no document, no <style>:
    the page's own stylesheet shows it): taken from the letter fixed at issue when it
    holds that language, else rendered now (a draft, or a translation not sent)."""
    import re

    if language not in LETTER_LANGUAGES:
        raise ValueError(f"okänt språk {language!r}")
    stored = recipient.letter_html or ""
    part = ""
    if language == "sv" and stored:
        part = stored
    elif stored and f'<article class="translation" id="oversattning" lang="{language}"' in stored:
        part = stored[stored.index('<article class="translation"'):]
    if not part:
        part = decision_letter_html(decision, recipient, language=language)
    body = re.search(r"<body>(.*)</body>", part, re.S)
    body = body.group(1) if body else part
    if language == "sv":  # the Swedish letter alone, without the translation sent after it
        body = body.split('<article class="translation"')[0]
    else:
        body = body[body.index('<article class="translation"'):body.rindex("</article>") + len("</article>")]
    # one <main> per page: the page has its own
    return re.sub(r"<(/?)main>", r"<\1div>", body)
