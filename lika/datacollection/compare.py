"""What the sources said beside what the application declares, per person and income
type: the differences a case worker must see before deciding (plain Python, no Django).

Nothing here changes the application: a collected amount reaches the calculation only
when a case worker explicitly uses it (services.collected_benefit_use)."""

from dataclasses import dataclass, field

from .sources import KINDS, income_types_of

# Statuses of one (person, income type) row.
MATCH = "match"                  # declared and reported, same amount
DIFFERS = "differs"              # declared and reported, amounts differ
UNDECLARED = "undeclared"        # reported by a source, not declared
NOT_AT_SOURCE = "not_at_source"  # declared; the source that would report it answered without it
NOT_COVERED = "not_covered"      # declared; no source asked reports this income
UNCHECKED = "unchecked"          # declared; a source that reports it failed to answer
FLAGGED = {DIFFERS, UNDECLARED, UNCHECKED}
STATUS_LABELS = {
    MATCH: "Stämmer",
    DIFFERS: "Beloppen skiljer sig",
    UNDECLARED: "Finns hos källan men är inte uppgiven",
    NOT_AT_SOURCE: "Uppgiven men finns inte hos källan",
    NOT_COVERED: "Ingen källa lämnar denna inkomst",
    UNCHECKED: "Kunde inte kontrolleras: källan svarade inte",
}


@dataclass(frozen=True)
class Collected:
    """A stored answer line: ``ref`` identifies it (the row's id) for the "use" action."""

    ref: object
    source: str
    kind: str
    amount: int


@dataclass
class Row:
    income_type: str
    declared: int | None
    collected: int | None
    status: str
    items: list = field(default_factory=list)  # the Collected behind ``collected``
    failed_sources: tuple = ()

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED

    @property
    def difference(self) -> int | None:
        """Reported minus declared (öre), when both are there."""
        if self.declared is None or self.collected is None:
            return None
        return self.collected - self.declared


def compare(declared: list[tuple[str, int]], collected: list[Collected], answered: set[str],
            failed: set[str]) -> list[Row]:
    """One person: ``declared`` (income type, öre) rows of the application; ``collected``
    what the sources reported; ``answered`` the sources that answered and ``failed`` those
    asked that did not.  One row per income type that either side names, in a stable order
    (the order of the kinds table); a failed source is also shown per person by the page."""
    declared_sum: dict[str, int] = {}
    for income_type, amount in declared:
        declared_sum[income_type] = declared_sum.get(income_type, 0) + amount
    by_type: dict[str, list[Collected]] = {}
    for item in collected:
        by_type.setdefault(KINDS[item.kind].income_type, []).append(item)
    answered_types = set().union(*(income_types_of(s) for s in answered)) if answered else set()
    failed_by_type: dict[str, list[str]] = {}
    for source in sorted(failed):
        for income_type in income_types_of(source):
            failed_by_type.setdefault(income_type, []).append(source)
    order = list(dict.fromkeys([k.income_type for k in KINDS.values()]))
    types = set(declared_sum) | set(by_type)
    rows = []
    for income_type in sorted(types, key=lambda t: (order.index(t) if t in order else len(order), t)):
        mine = declared_sum.get(income_type)
        items = by_type.get(income_type, [])
        got = sum(i.amount for i in items) if items else None
        failed_here = tuple(failed_by_type.get(income_type, ()))
        if got is not None and mine is not None:
            status = MATCH if got == mine else DIFFERS
        elif got is not None:
            status = UNDECLARED
        elif failed_here:
            status = UNCHECKED
        elif mine is not None and income_type in answered_types:
            status = NOT_AT_SOURCE
        else:
            status = NOT_COVERED
        rows.append(Row(income_type, mine, got, status, items, failed_here))
    return rows
