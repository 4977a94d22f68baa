"""Identity and payment numbers: personnummer, samordningsnummer, bank accounts.

Plain Python on top of ``python-stdnum`` and ``bankkonto``; no Django.  Every check
raises a ``ValueError`` subclass with a short Swedish message meant for the user.
"""

from lika.identity.bank import (
    BankAccount,
    BankAccountError,
    parse_bank_account,
    parse_bankgiro,
    parse_iban,
)
from lika.identity.personnummer import (
    IdentityNumber,
    IdentityNumberError,
    generate_fictional,
    is_valid_identity_number,
    legal_gender_from_number,
    parse_identity_number,
)

__all__ = [
    "BankAccount",
    "BankAccountError",
    "IdentityNumber",
    "IdentityNumberError",
    "generate_fictional",
    "is_valid_identity_number",
    "legal_gender_from_number",
    "parse_bank_account",
    "parse_bankgiro",
    "parse_iban",
    "parse_identity_number",
]
