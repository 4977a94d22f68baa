"""Where an association's grant is paid: its bankgiro, else its plusgiro, else its bank
account (docs/payments.md, "Grant orders").

A plusgiro number is paid as a Swedish domestic account at Nordea/Plusgirot: clearing
9960 and the plusgiro number padded with zeros to ten digits (Bankgirot, "Bankernas
kontonummeruppbyggnad": clearing 9960–9969, type 2, ten digits; checked with bankkonto
as every account is)."""

from lika.identity.bank import BankAccountError, parse_bank_account, parse_bankgiro

PLUSGIRO_CLEARING = "9960"


NO_ACCOUNT, INVALID_ACCOUNT = "no_account", "invalid_account"  # the reasons of payments.PaymentHold


def association_payee(association) -> tuple[dict, tuple[str, str] | None]:
    """``({"bankgiro": ...} | {"clearing": ..., "account": ...}, None)``, or ``({}, (reason,
    text))`` (the text in Swedish) when the association has no account that can be paid to."""
    try:
        if association.bankgiro:
            return {"bankgiro": parse_bankgiro(association.bankgiro).replace("-", ""), "kind": "bankgiro"}, None
        if association.plusgiro:
            digits = association.plusgiro.replace("-", "").replace(" ", "")
            parsed = parse_bank_account(PLUSGIRO_CLEARING, digits.rjust(10, "0"))
            return {"clearing": parsed.clearing, "account": parsed.number, "kind": "plusgiro"}, None
        if association.bank_clearing or association.bank_account:
            parsed = parse_bank_account(association.bank_clearing, association.bank_account)
            return {"clearing": parsed.clearing, "account": parsed.number, "kind": "bank"}, None
    except (BankAccountError, ValueError) as exc:
        return {}, (INVALID_ACCOUNT, f"{association.name}: kontouppgiften är ogiltig ({exc})")
    return {}, (NO_ACCOUNT, f"{association.name} har inget bankgiro, plusgiro eller bankkonto registrerat")


KIND_LABELS = {"bankgiro": "bankgiro", "plusgiro": "plusgiro", "bank": "bankkonto"}


def masked_payee(association) -> str | None:
    """``"bankgiro ****1055"``: the route with only its last four digits, or None."""
    account, problem = association_payee(association)
    if problem is not None:
        return None
    number = account.get("bankgiro") or account.get("account", "")
    return f"{KIND_LABELS[account['kind']]} ****{number[-4:]}"
