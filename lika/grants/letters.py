"""The decision letter to the association (issue 15, docs/grants.md "The letter"): the
board as the deciding body, the programme, the outcome, amount and reasons, the payment
day and route (masked), and how to appeal. Rendered once, when the decision is made, and
kept with it (``GrantDecision.letter_html``); the PDF is made from that HTML with fixed
metadata, so the same decision always gives the same bytes.

How to appeal: a grant to an association is a municipal decision without a special
appeal route, so it is appealed by laglighetsprövning, kommunallagen (2017:725) 13 kap.:
any member of the municipality may appeal (1 §), in writing to förvaltningsrätten,
naming the decision and the grounds (4 §), within three weeks from the day it was
announced on the municipality's anslagstavla that the protocol was justerat (5 §); the
court only tries legality and can only set the decision aside (8 §). Source: SFS
2017:725 13 kap. 1, 4, 5, 8 §§ (quoted on e.g. Kalix kommun's anslagstavla page)."""

import hashlib
from datetime import timedelta

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from lika.accounts.models import Municipality
from lika.accounts.settings import current as current_setting
from lika.core.money import format_kronor

from .payee import masked_payee

APPEAL_SOURCE = "13 kap. 1, 4, 5 och 8 §§ kommunallagen (2017:725)"


def _municipality() -> str:
    return (settings.LIKA_MUNICIPALITY_NAME or Municipality.objects.values_list("name", flat=True).first()
            or settings.LIKA_DEBTOR_NAME)


def payday_for(day) -> str:
    """The payment day a grant decided on ``day`` expects: the pay day of the next payment
    run not yet sent to the bank, else the municipality's next pay day (LIKA_PAY_DAY, moved
    to the banking day before; the next banking day when it has passed)."""
    from lika.payments.bankdays import default_payday
    from lika.payments.models import PaymentRun

    run = (PaymentRun.objects.filter(payday__gte=day).exclude(status=PaymentRun.Status.EXPORTED)
           .order_by("payday").values_list("payday", flat=True).first())
    if run is not None:
        return run.isoformat()
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return default_payday(following, pay_day=current_setting("pay_day", on=following), today=day).isoformat()


def letter_context(decision) -> dict:
    application = decision.application
    association, programme = application.association, application.programme
    day = timezone.localdate(decision.decided_at)
    user = decision.decided_by
    return {
        "municipality": _municipality(), "board": programme.giver.name, "date": day.isoformat(),
        "reference": f"B-{application.year}-{application.pk}", "association": association,
        "programme": programme, "kind": programme.get_kind_display(), "year": application.year,
        "outcome": decision.outcome, "outcome_label": decision.get_outcome_display(),
        "amount": format_kronor(decision.amount), "applied": format_kronor(decision.applied_amount),
        "reasons": decision.reasons, "result": application.result or None,
        "payday": payday_for(day) if decision.amount > 0 else None,
        "route": masked_payee(association) if decision.amount > 0 else None,
        "decided_by": {"name": user.get_full_name() or user.username, "title": str(user.get_role_display())},
        "appeal_source": APPEAL_SOURCE,
    }


def decision_letter_html(decision) -> str:
    return render_to_string("grants/letter.html", letter_context(decision))


def decision_letter_pdf(decision) -> bytes:
    """The kept letter as a tagged A4 PDF. Deterministic: the dates in the PDF are the
    decision's (from the HTML's meta tags) and the file identifier is derived from the
    decision, so two renderings of one decision are the same bytes."""
    identifier = hashlib.sha256(f"lika-grant-decision-{decision.pk}".encode()).hexdigest()[:32].encode()
    return weasyprint.HTML(string=decision.letter_html, base_url=None).write_pdf(
        pdf_tags=True, pdf_identifier=identifier, uncompressed_pdf=False)
