"""The prisbasbelopp per calendar year (socialförsäkringsbalken 2010:110, 2 kap. 6–7 §§),
set by the government in a förordning each year on SCB's calculation.

Used for the exemption of a hemmavarande child's or school youth's own work income
(SoL 2001:453 4 kap. 1 a § tredje stycket: one prisbasbelopp per calendar year).
Each amount is in öre with where it was verified; ``verified`` is False where only a
secondary source was found (see docs/calculate.md, "A child's own work income").
"""

from typing import NamedTuple


class Prisbasbelopp(NamedTuple):
    year: int
    amount: int  # öre
    source: str
    verified: bool  # True: the förordning itself (SFS text) was read


PRISBASBELOPP = {p.year: p for p in (
    Prisbasbelopp(2017, 4_480_000, "SFS 2016:863 (förordning om prisbasbelopp för år 2017)", True),
    Prisbasbelopp(2018, 4_550_000, "SFS 2017:865 (förordning om prisbasbelopp för år 2018)", True),
    Prisbasbelopp(2019, 4_650_000, "SCB/regeringen 2018, återgivet av bl.a. ikem.se och arbetsgivaralliansen.se; "
                                   "förordningens SFS-nummer ej verifierat", False),
    Prisbasbelopp(2020, 4_730_000, "regeringen 2019, återgivet av revisi.se; förordningens SFS-nummer ej verifierat",
                  False),
    Prisbasbelopp(2021, 4_760_000, "SFS 2020:764 (förordning om prisbasbelopp för år 2021)", True),
    Prisbasbelopp(2022, 4_830_000, "SFS 2021:866 (förordning om prisbasbelopp för år 2022); SCB 2021-07-14", True),
    Prisbasbelopp(2023, 5_250_000, "regeringen 2022, återgivet av redeko.net; förordningens SFS-nummer ej verifierat",
                  False),
    Prisbasbelopp(2024, 5_730_000, "regeringen 2023, återgivet av bl.a. andco.se och mintrygghet.se; "
                                   "förordningens SFS-nummer ej verifierat", False),
    Prisbasbelopp(2025, 5_880_000, "SCB 2024, återgivet av nyheter24.se och basbelopp.se; "
                                   "förordningens SFS-nummer ej verifierat", False),
    Prisbasbelopp(2026, 5_920_000, "SFS 2025:872 (förordning om prisbasbelopp för år 2026)", True),
)}


def prisbasbelopp(year: int) -> Prisbasbelopp | None:
    """The year's prisbasbelopp, or None when Lika does not know it."""
    return PRISBASBELOPP.get(year)
