"""Digital inhämtning in the database (SQLite and PostgreSQL): what a fetch stores and logs,
failures as Swedish lines, nothing copied into the application until a case worker uses an
amount, unit isolation, and the rows that never change."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction  # noqa: F401 - connection in a skipif

from lika.audit.models import AccessLogEntry
from lika.cases import services as cases
from lika.cases.models import ApplicationIncome
from lika.datacollection import services
from lika.datacollection.models import (
    CollectedBenefit,
    CollectedBenefitReview,
    CollectionOutcome,
    CollectionRequest,
)
from lika.datacollection.selectors import collection_context
from lika.datacollection.sources import (
    AKASSA,
    CSN,
    FK,
    BenefitRecord,
    BenefitSource,
    SourceTimeout,
    SourceUnavailable,
)
from tests.cases.factories import PROTECTED_ADDRESS, couple_case

MONTH = date(2026, 12, 1)
PURPOSE = "Utredning av ansökan 2026-12"


class Fixed(BenefitSource):
    """Försäkringskassan answering 9 000 kr sjukpenning for everyone."""

    code = FK

    def fetch(self, identity_number, month):
        return [BenefitRecord(FK, "sjukpenning", month, date(month.year, month.month, 28), 900000,
                              paid_on=date(month.year, month.month, 20))]


class Down(BenefitSource):
    code = AKASSA

    def fetch(self, identity_number, month):
        raise SourceUnavailable


class Slow(BenefitSource):
    code = CSN

    def fetch(self, identity_number, month):
        raise SourceTimeout


class Broken(BenefitSource):
    code = CSN

    def fetch(self, identity_number, month):
        raise KeyError("internal detail")


class Lying(BenefitSource):
    code = CSN

    def fetch(self, identity_number, month):
        return [BenefitRecord(CSN, "studiemedel", month, month, 12.5)]


@pytest.fixture
def applied(unit_a, alice):
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    application = cases.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    cases.application_entries_save(acting_user=alice, application=application, costs=[],
                                   incomes=[cases.Entry("sickness_benefit", 800000, man.pk)],
                                   obstacles={woman.pk: "unemployed", man.pk: "sick_certified"})
    return application, woman, man


def test_a_fetch_stores_every_answer_and_logs_each_adult(alice, applied):
    application, woman, man = applied
    request = services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE,
                                        sources=[Fixed(), Down()])
    assert (request.purpose, request.month, request.requested_by, request.sources) == (PURPOSE, MONTH, alice,
                                                                                       [FK, AKASSA])
    outcomes = {(o.person_id, o.source): o for o in CollectionOutcome.objects.filter(request=request)}
    assert set(outcomes) == {(p.pk, s) for p in (woman, man) for s in (FK, AKASSA)}
    assert {o.status for (_p, s), o in outcomes.items() if s == FK} == {"answered"}
    down = outcomes[(woman.pk, AKASSA)]
    assert down.status == "unavailable" and down.message.startswith("Arbetslöshetskassan går inte att nå")
    assert CollectedBenefit.objects.filter(request=request).count() == 2
    log = AccessLogEntry.objects.filter(object_type="datacollection", object_id=str(request.pk))
    assert sorted(log.values_list("person_id", flat=True)) == sorted([woman.pk, man.pk])
    assert all(PURPOSE in e.summary and "Försäkringskassan" in e.summary for e in log)
    assert not any(PROTECTED_ADDRESS in e.summary for e in log)  # her protected address never travels
    # nothing reaches the application by itself
    assert list(application.incomes.values_list("type", "amount", "person_id")) == [
        ("sickness_benefit", 800000, man.pk)]


def test_the_comparison_flags_undeclared_and_differing_and_the_failed_source(alice, applied):
    application, woman, man = applied
    services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE,
                              sources=[Fixed(), Slow()])
    context = collection_context(application, [woman, man])
    by_person = {c.person.pk: c for c in context["collection_comparisons"]}
    [hers] = by_person[woman.pk].rows
    [his] = by_person[man.pk].rows
    assert (hers.status, hers.declared, hers.collected) == ("undeclared", None, 900000)
    assert (his.status, his.declared, his.collected, his.difference) == ("differs", 800000, 900000, 100000)
    assert [m for _label, m in by_person[woman.pk].failures] == [
        "Centrala studiestödsnämnden (CSN) svarade inte i tid. Försök igen om en stund."]


@pytest.mark.parametrize("source, status, words", [
    (Broken(), "fault", "svarade med ett fel som Lika inte känner igen"),
    (Lying(), "invalid", "lämnade ett svar som inte kunde läsas"),
])
def test_an_adapters_fault_is_a_swedish_line_and_stores_nothing(alice, applied, source, status, words):
    application, _woman, _man = applied
    request = services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE,
                                        sources=[source])
    outcomes = CollectionOutcome.objects.filter(request=request)
    assert {o.status for o in outcomes} == {status}
    assert all(words in o.message and "internal detail" not in o.message for o in outcomes)
    assert not CollectedBenefit.objects.filter(request=request).exists()


def test_without_a_source_or_a_purpose_nothing_is_asked(alice, applied, settings):
    application, _woman, _man = applied
    settings.LIKA_BENEFIT_SOURCES = []
    with pytest.raises(ValidationError, match="Ingen källa"):
        services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE)
    with pytest.raises(ValidationError, match="syftet"):
        services.collection_fetch(acting_user=alice, application=application, purpose=" ", sources=[Fixed()])
    assert not CollectionRequest.objects.exists()
    assert not AccessLogEntry.objects.filter(object_type="datacollection").exists()


def test_the_setting_names_the_simulated_sources(settings):
    settings.LIKA_BENEFIT_SOURCES = ["lika.datacollection.simulated.ALL_SOURCES"]
    settings.LIKA_BENEFIT_SOURCE_TIMEOUT = 3.5
    found = services.configured_sources()
    assert [s.code for s in found] == ["FK", "AF", "AKASSA", "CSN", "PM", "SKV"]
    assert {s.timeout for s in found} == {3.5}
    settings.LIKA_BENEFIT_SOURCES = ["lika.datacollection.sources.SOURCES"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        services.configured_sources()
    settings.LIKA_BENEFIT_SOURCES = ["lika.datacollection.simulated.SimulatedSource"]  # no code, no records
    with pytest.raises(ImproperlyConfigured):
        services.configured_sources()


def test_another_unit_cannot_fetch_use_or_decline(alice, charlie, applied):
    application, _woman, _man = applied
    with pytest.raises(PermissionDenied):
        services.collection_fetch(acting_user=charlie, application=application, purpose=PURPOSE, sources=[Fixed()])
    services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE, sources=[Fixed()])
    benefit = CollectedBenefit.objects.first()
    with pytest.raises(PermissionDenied):
        services.collected_benefit_use(acting_user=charlie, application=application, benefit_id=benefit.pk)
    with pytest.raises(PermissionDenied):
        services.collected_benefit_decline(acting_user=charlie, application=application, benefit_id=benefit.pk,
                                           reason="Nej")
    assert not CollectedBenefitReview.objects.exists()


def test_using_an_amount_adds_the_income_row_once_and_logs_it(alice, applied):
    application, woman, _man = applied
    services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE, sources=[Fixed()])
    benefit = CollectedBenefit.objects.get(person=woman)
    income = services.collected_benefit_use(acting_user=alice, application=application, benefit_id=benefit.pk)
    assert (income.person_id, income.type, income.amount) == (woman.pk, "sickness_benefit", 900000)
    assert income.note.startswith("Hämtad digitalt från Försäkringskassan")
    review = CollectedBenefitReview.objects.get(benefit=benefit)
    assert (review.choice, review.amount, review.reviewed_by) == ("used", 900000, alice)
    assert AccessLogEntry.objects.filter(object_type="application", person_id=woman.pk,
                                         summary__startswith="Hämtad uppgift använd som inkomst").exists()
    with pytest.raises(ValidationError, match="redan bedömd"):
        services.collected_benefit_use(acting_user=alice, application=application, benefit_id=benefit.pk)
    assert ApplicationIncome.objects.filter(application=application, person=woman).count() == 1
    [row] = [c for c in collection_context(application, [woman])["collection_comparisons"]][0].rows
    assert row.status == "match"


def test_declining_needs_a_reason_and_a_decided_application_takes_no_income(alice, bob, applied):
    application, woman, man = applied
    services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE, sources=[Fixed()])
    hers, his = CollectedBenefit.objects.get(person=woman), CollectedBenefit.objects.get(person=man)
    with pytest.raises(ValidationError, match="varför"):
        services.collected_benefit_decline(acting_user=alice, application=application, benefit_id=hers.pk,
                                           reason="")
    review = services.collected_benefit_decline(acting_user=alice, application=application, benefit_id=hers.pk,
                                                reason="Avser november, redan räknad")
    assert (review.choice, review.reason) == ("not_used", "Avser november, redan räknad")
    application.status = "withdrawn"
    application.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="återtagen"):
        services.collected_benefit_use(acting_user=alice, application=application, benefit_id=his.pk)
    assert not CollectedBenefitReview.objects.filter(benefit=his).exists()


def test_the_records_never_change(alice, applied):
    application, _woman, _man = applied
    request = services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE,
                                        sources=[Fixed()])
    benefit = CollectedBenefit.objects.filter(request=request).first()
    for statement in (lambda: CollectedBenefit.objects.filter(pk=benefit.pk).update(amount=1),
                      lambda: CollectionRequest.objects.filter(pk=request.pk).update(purpose="annat"),
                      lambda: CollectionOutcome.objects.filter(request=request).delete(),
                      lambda: CollectedBenefit.objects.filter(pk=benefit.pk).delete()):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            statement()
    assert CollectedBenefit.objects.get(pk=benefit.pk).amount == 900000


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_clicks_at_once_add_one_income_row(alice, bob, applied):
    from tests.threads import race

    application, woman, _man = applied
    services.collection_fetch(acting_user=alice, application=application, purpose=PURPOSE, sources=[Fixed()])
    benefit = CollectedBenefit.objects.get(person=woman)
    results = race(
        lambda: services.collected_benefit_use(acting_user=alice, application=application, benefit_id=benefit.pk),
        lambda: services.collected_benefit_use(acting_user=bob, application=application, benefit_id=benefit.pk),
        expected=(ValidationError,))
    assert sorted(type(r).__name__ for r in results) == ["ApplicationIncome", "ValidationError"]
    assert ApplicationIncome.objects.filter(application=application, person=woman).count() == 1
    assert CollectedBenefitReview.objects.filter(benefit=benefit).count() == 1
