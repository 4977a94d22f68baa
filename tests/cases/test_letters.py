"""The beslutsbrev: one PDF per adult, complete, in Swedish, and safe for people
with protected identity or exposed to violence (DESIGN.md M3, M7)."""

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from lika.cases.letters import decision_letter_html, decision_letter_pdf
from lika.cases.models import (
    Application,
    CaseCalculation,
    Decision,
    DecisionLine,
    DecisionRecipient,
    DecisionShare,
    PaymentException,
)
from lika.core.household_json import calculation_to_dict, dumps
from lika.core.money import format_kronor
from lika.households.models import Person
from lika.norms.calculate import calculate_household_month
from lika.norms.models import NormTableVersion

from .factories import PROTECTED_ADDRESS, couple_case, single_case

REASON_TEXT = "Hemlig motivering: hot i hemmet den 3 november"
DENTAL_REASON = "Tandvården är inte akut och kan vänta till nästa månad."
ELECTRICITY_REASON = "Hushållsel godtas med högst 300 kr i månaden för en bostad av er storlek."
# Decided late in the evening UTC: the letter shows the local (Stockholm) date.
DECIDED_AT = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
DECIDED_DATE = "2026-11-26"
GRANTED_LABELS = ("Personliga kostnader, sambor/makar", "Gemensamma hushållskostnader, 4 personer",
                  "Boendekostnad")


@dataclass
class Built:
    decision: Decision
    woman: Person
    man: Person | None
    recipients: dict

    def letter(self, who):
        return self.recipients[who]

    def other(self, who):
        return "man" if who == "woman" else "woman"

    def person(self, who):
        return getattr(self, who)


def flat(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) as single spaces."""
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return flat(" ".join(page.extract_text() for page in reader.pages))


def kr(ore: int) -> str:
    return flat(format_kronor(ore))


def _household(unit, worker, protected_woman, alone):
    """(case, adults, children): a couple with two children, or a woman living alone."""
    if alone:
        case, woman = single_case(unit, case_worker=worker)
        return case, [woman], []
    case, woman, man, kids = couple_case(unit, protected_woman=protected_woman, case_worker=worker)
    return case, [woman, man], kids


def _calculate(adults, kids, payment):
    members = [{"role": "adult", "birth_date": p.birth_date.isoformat(), "cohabiting": len(adults) > 1}
               for p in adults]
    members += [{"role": "child", "birth_date": kid.birth_date.isoformat()} for kid in kids]
    data = {"month": "2026-12", "members": members,
            "costs": [{"type": "housing", "amount": 7500}, {"type": "electricity", "amount": 350.5},
                      {"type": "dental", "amount": 1200}],
            "incomes": [{"type": "child_allowance", "amount": 2500},
                        {"type": "salary", "amount": 8000, "member": 0, "job_incentive": True}],
            "payment": payment}
    calc, split = calculate_household_month(data)
    return data, calc, json.loads(dumps(calculation_to_dict(calc, split)))


def _outcome(line, refuse_all):
    """(granted, outcome, reason) of one calculation line in the test decision."""
    if refuse_all or line.rule == "cost.dental":
        return 0, DecisionLine.Outcome.REFUSED, DENTAL_REASON if line.rule == "cost.dental" else "Avslås."
    if line.rule == "cost.electricity":
        return 30000, DecisionLine.Outcome.PARTLY, ELECTRICITY_REASON
    return line.amount, DecisionLine.Outcome.GRANTED, ""


def _lines(decision, calc, refuse_all):
    position = 0
    for line in calc.lines:
        if line.kind in ("income", "disregard"):
            continue
        granted, outcome, reason = _outcome(line, refuse_all)
        position += 1
        DecisionLine.objects.create(decision=decision, position=position, kind=line.kind, rule=line.rule,
                                    label=line.label, applied_amount=line.amount, granted_amount=granted,
                                    outcome=outcome, reason=reason, legal_basis=line.basis)


def _shares(decision, adults, direct):
    rest = decision.granted_amount
    if direct and rest:
        DecisionShare.objects.create(decision=decision, direct_type="housing", amount=750000,
                                     direct_payee="Bostadsbolaget AB", direct_account="5050-1055")
        rest -= 750000
    count = len(adults)
    halves = [rest - rest // count * (count - 1)] + [rest // count] * (count - 1)
    for adult, amount in zip(adults, halves, strict=True):
        if rest:
            DecisionShare.objects.create(decision=decision, person=adult, amount=amount)


def _exception(case, recipient, reason, worker, manager):
    return PaymentException.objects.create(
        case=case, recipient=recipient, reason=reason, reason_text=REASON_TEXT, valid_from=date(2026, 12, 1),
        valid_to=date(2027, 5, 31), status=PaymentException.Status.APPROVED, requested_by=worker,
        decided_by=manager, decided_at=DECIDED_AT)


def build(unit, worker, manager, *, protected_woman=False, single=None, direct=False, refuse_all=False,
          alone=False):
    """An issued decision for December 2026 on a couple with two children (or, ``alone``,
    a woman living alone); ``single`` pays the woman only, for that reason category."""
    case, adults, kids = _household(unit, worker, protected_woman, alone)
    woman = adults[0]
    payment = {"mode": "single", "recipient": 0, "reason": single, "reason_text": REASON_TEXT} if single \
        else {"mode": "equal"}
    data, calc, result = _calculate(adults, kids, payment)
    application = Application.objects.create(case=case, month=date(2026, 12, 1), applicant=woman,
                                             created_by=worker, status=Application.Status.DECIDED)
    calculation = CaseCalculation.objects.create(
        application=application, norm_table=NormTableVersion.objects.filter(year=2026).latest("version"),
        input=data, members=[p.pk for p in (*adults, *kids)], result=result, support=calc.support,
        provisional=calc.norm_status != "verified", created_by=worker)
    decision = Decision.objects.create(
        application=application, calculation=calculation, status=Decision.Status.DRAFT,
        applied_amount=calc.need, granted_amount=0, prepared_by=worker, decided_by=manager,
        decided_at=DECIDED_AT, payment_mode="single" if single else "equal",
        payment_exception=_exception(case, woman, single, worker, manager) if single else None)
    _lines(decision, calc, refuse_all)
    granted = max(0, sum(line.granted_amount for line in decision.lines.all()) - calc.counted_income)
    Decision.objects.filter(pk=decision.pk).update(granted_amount=granted)
    decision.refresh_from_db()
    _shares(decision, [woman] if single else adults, direct)
    # issued once its lines and shares are in place (the database refuses them after)
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.ISSUED)
    decision.refresh_from_db()
    recipients = {who: DecisionRecipient.objects.create(decision=decision, person=person)
                  for who, person in zip(("woman", "man"), adults, strict=False)}
    return Built(decision, woman, adults[-1] if len(adults) > 1 else None, recipients)


@pytest.fixture
def make(unit_a, alice, bob):
    def make(**options):
        return build(unit_a, alice, bob, **options)
    return make


def html_of(built, who):
    return decision_letter_html(built.decision, built.letter(who))


def section(html, name):
    match = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    return flat(match.group(0)) if match else ""


def rows(html):
    """The table rows of ``html`` as lists of cell texts."""
    return [[flat(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["woman", "man"])
def test_each_adult_gets_a_pdf_with_the_whole_decision(make, who):
    built = make()
    pdf = decision_letter_pdf(built.decision, built.letter(who))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    person, other = built.person(who), built.person(built.other(who))
    expected = [
        f"{person.first_name} {person.last_name}", f"{other.first_name} {other.last_name}",
        built.decision.application.case.reference, "Exempelby kommun", "Försörjningsstöd Norr",
        DECIDED_DATE, "Beslut om försörjningsstöd för december 2026", "Beslutet gäller er båda",
        kr(built.decision.granted_amount), "tre veckor", "förvaltningsrätten",
        "44 § förvaltningslagen (2017:900)", flat(settings.LIKA_APPEAL_ADDRESS), "020-50 50 50",
        "Kvinnofridslinjen", "Bo Berg", "Enhetschef",
    ]
    expected += [line.label for line in built.decision.lines.all()]
    for snippet in expected:
        assert snippet in text, snippet


@pytest.mark.django_db
def test_the_pdf_has_a_title_and_the_html_is_swedish(make):
    built = make()
    reader = PdfReader(io.BytesIO(decision_letter_pdf(built.decision, built.letter("woman"))))
    assert reader.metadata.title == "Beslut om försörjningsstöd"
    assert '<html lang="sv">' in html_of(built, "woman")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_letter_is_swedish_whatever_the_active_language(make, language):
    built = make()
    with translation.override(language):
        html = flat(html_of(built, "man"))
    for word in ("Bifall", "Delvis bifall", "Avslag", "Så överklagar du", "Utbetalning", "Enhetschef"):
        assert word in html


@pytest.mark.django_db
def test_lines_show_applied_granted_and_outcome(make):
    table = rows(section(html_of(make(), "woman"), "beslut"))
    assert table[0] == ["Post", "Beräknat", "Beviljat", "Beslut"]
    assert ["Hushållsel", "350,50 kr", "300,00 kr", "Delvis bifall"] in table
    assert ["Tandvård", "1 200,00 kr", "0,00 kr", "Avslag"] in table
    assert ["Boendekostnad", "7 500,00 kr", "7 500,00 kr", "Bifall"] in table
    lines = list(DecisionLine.objects.all())
    assert table[-1] == ["Summa", kr(sum(x.applied_amount for x in lines)), kr(sum(x.granted_amount for x in lines)),
                         ""]


@pytest.mark.django_db
def test_reasons_are_given_for_every_line_not_granted_in_full_and_only_those(make):
    built = make()
    reasons = section(html_of(built, "woman"), "motivering")
    assert "Tandvård – Avslag" in reasons and DENTAL_REASON in reasons
    assert "Hushållsel – Delvis bifall" in reasons and flat(ELECTRICITY_REASON) in reasons
    assert "Lagrum: SoL (2025:400) 12 kap." in reasons
    for label in GRANTED_LABELS:
        assert label not in reasons
    assert DENTAL_REASON in pdf_text(decision_letter_pdf(built.decision, built.letter("man")))


@pytest.mark.django_db
def test_incomes_deducted_are_shown_with_the_total(make):
    built = make()
    html = section(html_of(built, "man"), "inkomster")
    assert rows(html)[1:] == [
        ["Barnbidrag", "2 500,00 kr"], ["Lön, Sara Lind", "8 000,00 kr"],
        ["Jobbstimulans, ej medräknad inkomst (25 % av lön), Sara Lind", "− 2 000,00 kr"],
        ["Inkomster som räknas av", "8 500,00 kr"],
    ]
    assert f"Beviljat försörjningsstöd för december 2026: {kr(built.decision.granted_amount)}" in html
    assert "avslås i sin helhet" not in html


@pytest.mark.django_db
def test_a_decision_granting_nothing_says_the_application_is_refused(make):
    built = make(refuse_all=True)
    html = flat(html_of(built, "woman"))
    assert "Beviljat försörjningsstöd för december 2026: 0,00 kr" in html
    assert "Ansökan avslås i sin helhet." in html
    assert "Ingen utbetalning görs till er." in html


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "own", "other"), [("woman", "Sara Lind", "Johan Lind"),
                                                   ("man", "Johan Lind", "Sara Lind")])
def test_equal_split_names_each_adults_share(make, who, own, other):
    built = make()
    granted = built.decision.granted_amount
    html = section(html_of(built, who), "utbetalning")
    shares = {str(s.person): kr(s.amount) for s in built.decision.shares.all()}
    assert rows(html) == [["Till dig", shares[own]], [f"Till {other}", shares[other]]]
    assert "Biståndet delas lika mellan er och betalas till var och ens eget konto." in html
    assert sum(s.amount for s in built.decision.shares.all()) == granted


@pytest.mark.django_db
def test_direct_payments_come_first(make):
    html = section(html_of(make(direct=True), "man"), "utbetalning")
    assert [label for label, _ in rows(html)] == [
        "Direkt till Bostadsbolaget AB (boendekostnad)", "Till dig", "Till Sara Lind"]
    assert rows(html)[0][1] == "7 500,00 kr"
    assert "5050-1055" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("reason", "other_sees_category"), [
    ("violence_protection", False),
    ("unable_to_manage_money", True),
    ("partner_abroad_or_institution", True),
    ("other", True),
])
def test_payment_to_one_adult_hides_violence_from_the_other(make, reason, other_sees_category):
    """Violence is named on neither letter: the partner may read the recipient's post too."""
    built = make(single=reason)
    category = str(settings.LIKA_PAYMENT_EXCEPTION_REASONS[reason])
    own = flat(html_of(built, "woman"))
    other = flat(html_of(built, "man"))
    grounds = f"särskilda skäl: {category}." if other_sees_category else "särskilda skäl."
    assert f"Biståndet betalas bara till dig, inte delat mellan er, eftersom det finns {grounds}" in own
    assert (category in own) is other_sees_category
    assert "Till dig" in own and "2027-05-31" in own
    assert "Till Sara Lind" in other and "Till dig" not in other
    assert "Biståndet betalas till en av er" in other and "särskilda skäl" in other
    assert (category in other) is other_sees_category
    assert ("förvaltningslagen (2017:900))" in other) is not other_sees_category
    assert "2027-05-31" not in other
    for html in (own, other):
        assert REASON_TEXT not in html
        assert "delas lika" not in html


@pytest.mark.django_db
def test_violence_reason_is_in_neither_pdf(make):
    built = make(single="violence_protection")
    category = str(settings.LIKA_PAYMENT_EXCEPTION_REASONS["violence_protection"])
    own = pdf_text(decision_letter_pdf(built.decision, built.letter("woman")))
    other = pdf_text(decision_letter_pdf(built.decision, built.letter("man")))
    assert category not in own and category not in other
    assert "Biståndet betalas bara till dig" in own
    assert REASON_TEXT not in own and REASON_TEXT not in other


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["woman", "man"])
def test_a_protected_address_is_on_no_letter(make, who):
    built = make(protected_woman=True)
    Person.objects.filter(pk=built.woman.pk).update(postal_code="11111", city="Gömdaby")
    html = html_of(built, who)
    text = pdf_text(decision_letter_pdf(built.decision, built.letter(who)))
    for secret in (PROTECTED_ADDRESS, "11111", "Gömdaby"):
        assert secret not in html
        assert secret not in text
    assert "Sara Lind" in text and "Johan Lind" in text


@pytest.mark.django_db
def test_the_protected_persons_own_letter_says_why_there_is_no_address(make):
    built = make(protected_woman=True)
    own = flat(html_of(built, "woman"))
    other = flat(html_of(built, "man"))
    assert "Adress visas inte – skyddade personuppgifter" in own
    assert "skyddade personuppgifter" not in other
    # the household's shared address is protected too (issue #13): not on the partner's letter
    assert "99999 Lika" not in other


@pytest.mark.django_db
def test_an_adult_of_a_household_without_protection_gets_the_address(make):
    built = make()
    assert "Storgatan 1" in flat(html_of(built, "man")) and "99999 Lika" in flat(html_of(built, "man"))


@pytest.mark.django_db
def test_rendering_reads_and_never_writes(make):
    built = make(direct=True, single="violence_protection")
    counts = [model.objects.count() for model in (Decision, DecisionLine, DecisionShare, DecisionRecipient)]
    with CaptureQueriesContext(connection) as queries:
        decision_letter_pdf(built.decision, built.letter("woman"))
        decision_letter_html(built.decision, built.letter("man"))
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    # decision, recipients, lines, shares, whether the addressee's address is protected, the
    # month's payment run and, without one, the pay day in force (issue 17): no N+1
    assert len(queries.captured_queries) == 2 * 7
    assert counts == [model.objects.count() for model in (Decision, DecisionLine, DecisionShare,
                                                          DecisionRecipient)]
    assert not DecisionRecipient.objects.filter(letter__isnull=False).exists()


@pytest.mark.django_db
def test_the_letter_is_deterministic(make):
    built = make()
    assert html_of(built, "woman") == html_of(built, "woman")
    first = decision_letter_pdf(built.decision, built.letter("man"))
    assert decision_letter_pdf(built.decision, built.letter("man")) == first


@pytest.mark.django_db
def test_the_letters_differ_only_for_their_recipient(make):
    built = make()
    woman, man = html_of(built, "woman"), html_of(built, "man")
    assert woman != man
    assert section(woman, "beslut") == section(man, "beslut")


@pytest.mark.django_db
def test_a_recipient_of_another_decision_is_refused(make):
    first, second = make(), make()
    with pytest.raises(ValueError, match="hör inte till"):
        decision_letter_html(first.decision, second.letter("woman"))


@pytest.mark.django_db
def test_a_single_adult_gets_a_letter_addressed_to_them_alone(make):
    built = make(alone=True)
    html = flat(html_of(built, "woman"))
    assert "Eva Holm" in html and "Storgatan 1" in html
    assert "er båda" not in html and "Var och en av er" not in html
    assert rows(section(html, "utbetalning")) == [["Till dig", kr(built.decision.granted_amount)]]
    assert "Biståndet betalas till ditt eget konto." in html
    assert "Lön, Eva Holm" in html


@pytest.mark.django_db
def test_the_letter_is_deterministic_when_fonttools_subsets_the_fonts(make, monkeypatch):
    """Issue 18: a fresh clone once made two different PDFs of one letter, because WeasyPrint
    fell back to fontTools, which stamps each subset font with the clock.  Forced onto that
    path, with the clock an hour apart between the two letters, the bytes are the same."""
    from itertools import count
    from types import SimpleNamespace

    import fontTools.misc.timeTools as time_tools
    import weasyprint.pdf.fonts as fonts

    used = []
    subset = fonts.Font._fonttools_subset

    def fonttools_subset(self, *args, **kwargs):
        used.append(self.family)
        return subset(self, *args, **kwargs)

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    monkeypatch.setattr(fonts.Font, "_fonttools_subset", fonttools_subset)
    clock = count(1_800_000_000, 3600)
    monkeypatch.setattr(time_tools, "time", SimpleNamespace(time=lambda: next(clock)))
    built = make()
    first = decision_letter_pdf(built.decision, built.letter("man"))
    assert used, "the fontTools path was taken"
    assert decision_letter_pdf(built.decision, built.letter("man")) == first
