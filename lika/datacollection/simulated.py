"""Simulated sources for the demo and the tests: fictional answers, deterministic from the
identity number, the month and the source (a SHA-256 of the three), so the same question
always gets the same answer.  Never for production: ``LIKA_BENEFIT_SOURCES`` is empty by
default (docs/datacollection.md, "The simulated source").

Now and then a simulated source fails, as real ones do: it times out, is down, or does
not know the person — also decided by the hash, so the failure is repeatable too."""

import abc
import calendar
import hashlib
from datetime import date

from .sources import (
    AF,
    AKASSA,
    CSN,
    FK,
    PM,
    SKV,
    BenefitRecord,
    BenefitSource,
    PersonNotFound,
    SourceTimeout,
    SourceUnavailable,
)


def _digest(source: str, identity_number: str, month: date) -> bytes:
    return hashlib.sha256(f"lika-sim|{source}|{identity_number}|{month:%Y-%m}".encode()).digest()


def _kronor(low: int, high: int, byte: int) -> int:
    """An amount in öre between ``low`` and ``high`` kronor, in steps of 10 kr."""
    return (low + (high - low) * byte // 255) // 10 * 10 * 100


def _age(identity_number: str, month: date) -> int | None:
    try:
        born = date(int(identity_number[:4]), int(identity_number[4:6]), int(identity_number[6:8]) % 60 or 1)
    except ValueError:
        return None
    return month.year - born.year - ((month.month, 1) < (born.month, born.day))


class SimulatedSource(BenefitSource):
    """The common part: the failure, the month's period and the pay day."""

    pay_day = 25

    def fetch(self, identity_number: str, month: date) -> list[BenefitRecord]:
        if not (len(identity_number) == 12 and identity_number.isdigit()):
            raise PersonNotFound
        h = _digest(self.code, identity_number, month)
        if h[31] % 41 == 0:
            raise SourceTimeout
        if h[31] % 41 == 1:
            raise SourceUnavailable
        if h[30] % 43 == 0:
            raise PersonNotFound
        return self.records(h, identity_number, month)

    def record(self, kind: str, month: date, amount: int, gross: int | None = None) -> BenefitRecord:
        last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
        return BenefitRecord(source=self.code, kind=kind, period_start=month, period_end=last, amount=amount,
                             paid_on=date(month.year, month.month, min(self.pay_day, last.day)),
                             gross_amount=gross)

    @abc.abstractmethod
    def records(self, h: bytes, identity_number: str, month: date) -> list[BenefitRecord]:
        """The source's records for the person and month, drawn from the digest ``h``."""


class SimulatedForsakringskassan(SimulatedSource):
    code = FK
    pay_day = 20

    def records(self, h, identity_number, month):
        out = []
        if h[0] % 5 == 0:
            out.append(self.record("sjukpenning", month, _kronor(6000, 16000, h[1])))
        if h[2] % 4 == 0:
            out.append(self.record("bostadsbidrag", month, _kronor(800, 3400, h[3])))
        if h[4] % 3 == 0:
            out.append(self.record("barnbidrag", month, 125000 * (1 + h[5] % 3)))
        if h[6] % 7 == 0:
            out.append(self.record("foraldrapenning", month, _kronor(5000, 14000, h[7])))
        return out


class SimulatedArbetsformedlingen(SimulatedSource):
    code = AF

    def records(self, h, identity_number, month):
        if h[0] % 4 == 0:
            return [self.record("aktivitetsstod", month, _kronor(4000, 9000, h[1]))]
        return []


class SimulatedArbetsloshetskassa(SimulatedSource):
    code = AKASSA

    def records(self, h, identity_number, month):
        if h[0] % 5 == 0:
            gross = _kronor(11000, 22000, h[1])
            return [self.record("arbetsloshetsersattning", month, gross * 7 // 1000 * 100, gross)]
        return []


class SimulatedCsn(SimulatedSource):
    code = CSN
    pay_day = 27

    def records(self, h, identity_number, month):
        age = _age(identity_number, month)
        if age is not None and age < 45 and h[0] % 6 == 0:
            return [self.record("studiemedel", month, _kronor(3500, 12000, h[1]))]
        return []


class SimulatedPensionsmyndigheten(SimulatedSource):
    code = PM
    pay_day = 19

    def records(self, h, identity_number, month):
        age = _age(identity_number, month)
        if age is None or age < 65:
            return []
        out = [self.record("pension", month, _kronor(8000, 16000, h[0]))]
        if h[1] % 3 == 0:
            out.append(self.record("bostadstillagg", month, _kronor(1000, 5000, h[2])))
        return out


class SimulatedSkatteverket(SimulatedSource):
    code = SKV
    pay_day = 25

    def records(self, h, identity_number, month):
        if h[0] % 3 == 0:
            gross = _kronor(4000, 24000, h[1])
            return [self.record("lon", month, gross * 70 // 10000 * 100, gross)]
        return []


# LIKA_BENEFIT_SOURCES=lika.datacollection.simulated.ALL_SOURCES (make demo, the tests)
ALL_SOURCES = (SimulatedForsakringskassan, SimulatedArbetsformedlingen, SimulatedArbetsloshetskassa,
               SimulatedCsn, SimulatedPensionsmyndigheten, SimulatedSkatteverket)
