"""Linear span of published figures, for the disclosure tests (independent of
lika.core.disclosure).

An attacker who has the shown cells of any number of reports knows every linear
combination of them.  A figure is a sum of *atoms* (the finest values: one unit, one
month, one category, one gender), so a published cell is a vector over atoms; a hidden
cell is given away exactly when its vector lies in the span of the shown cells' vectors —
that covers every difference (municipality minus the other units, one table minus
another, a year minus its other months, adjacent custom periods) and every longer chain
of additions and subtractions.

``Span`` keeps an echelon basis (each row's pivot is its smallest atom) as sparse dicts.
Coefficients are exact ``Fraction`` s, or integers modulo a large prime (``modulus``) for
big systems: a combination over the rationals is then still found (unless the prime
divides a denominator, which with 0/±1 rows and a 61-bit prime does not happen), so the
modular test can only err towards failing.
"""

import heapq
from fractions import Fraction

PRIME = 2**61 - 1


class Span:
    def __init__(self, modulus: int | None = None):
        self.modulus = modulus
        self.basis: dict[int, dict[int, object]] = {}  # pivot atom -> row (pivot coefficient 1)
        self.atoms: dict = {}  # atom key -> number (the order of first use)

    def _number(self, key) -> int:
        return self.atoms.setdefault(key, len(self.atoms))

    def _coefficient(self, value):
        return value % self.modulus if self.modulus else Fraction(value)

    def _inverse(self, value):
        return pow(value, self.modulus - 2, self.modulus) if self.modulus else 1 / value

    def _reduce(self, vector: dict) -> dict:
        """The vector less its part in the span: empty when it lies in the span."""
        row = {}
        for key, value in vector.items():
            number = self._number(key)
            coefficient = self._coefficient(value)
            if coefficient:
                row[number] = self._coefficient(row.get(number, 0) + coefficient)
        row = {atom: c for atom, c in row.items() if c}
        heap = list(row)
        heapq.heapify(heap)
        seen = set()
        out = {}
        while heap:
            atom = heapq.heappop(heap)
            if atom in seen or atom not in row:
                continue
            seen.add(atom)
            factor = row.pop(atom)
            pivot_row = self.basis.get(atom)
            if pivot_row is None:
                out[atom] = factor
                continue
            for other, c in pivot_row.items():
                if other == atom:
                    continue
                value = self._coefficient(row.get(other, 0) - factor * c)
                if value:
                    if other not in row:
                        heapq.heappush(heap, other)
                    row[other] = value
                else:
                    row.pop(other, None)
        return out

    def add(self, vector: dict) -> bool:
        """Learn a shown cell; True when it told something new."""
        row = self._reduce(vector)
        if not row:
            return False
        pivot = min(row)
        inverse = self._inverse(row[pivot])
        self.basis[pivot] = {atom: self._coefficient(c * inverse) for atom, c in row.items()}
        return True

    def contains(self, vector: dict) -> bool:
        """Whether the (hidden) cell follows from what was learnt."""
        return not self._reduce(vector)
