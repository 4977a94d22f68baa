"""When the answer to the question about violence is yes (issue 17, part 6): what the case
worker is guided to do, and the rules a structured risk assessment and the record of a
report of concern for a child (orosanmälan) must follow.  Plain Python, no Django: the
labels shown on screen are in ``lika.plans.models_violence``; here are the codes, the rules
and the sources they come from (docs/meetings.md, "När svaret är ja").

Sources (public; the question texts of the instruments are Socialstyrelsen's and are not
reproduced here or anywhere in Lika — the guidance page links to them):

* ``FREDA``: Socialstyrelsen, "Manual för FREDA. Standardiserade bedömningsmetoder för
  socialtjänstens arbete mot våld i nära relationer" (artikelnummer 2014-6-15, June 2014,
  corrected October 2014), and Socialstyrelsen's Metodguiden page on FREDA.  FREDA is a
  manual and three instruments: FREDA-kortfrågor (support for asking about violence),
  FREDA-beskrivning (the character and extent of the violence: psychological, physical,
  sexual) and FREDA-farlighetsbedömning (the risk of continued and of lethal violence).
  The manual advises care in reading the result: the exposed person's own view of the risk
  matters, and the assessment is the professional's.
* ``RISK_DUTY``: the socialnämnd shall assess the risk of further violence in its
  investigation and should use a standardised method (SOSFS 2014:4 om våld i nära
  relationer, 5 kap. 1 § with allmänna råd, as cited by Kunskapsguiden, "Bedöma risk och
  behov av stöd").  Whether later föreskrifter have replaced SOSFS 2014:4 is not verified.
* ``REPORT_DUTY``: staff of the socialtjänst must at once report to the socialnämnd when
  they learn of or suspect that a child is harmed (far illa): SoL (2001:453) 14 kap. 1 §
  (verified: Socialstyrelsen, "Anmäla oro för barn", 2014).  The duty continues in the new
  socialtjänstlag (2025:400) (prop. 2025/26:12 speaks of the duty "enligt socialtjänstlagen
  (2025:400)"); the chapter and paragraph in SoL 2025:400 are NOT verified.

The risk levels low/medium/high are Lika's record of the case worker's own overall
judgement after the assessment; they are not a score computed by FREDA.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str
    verified: bool = True
    note: str = ""


SOURCES = {
    "FREDA": Source(
        title="Manual för FREDA. Standardiserade bedömningsmetoder för socialtjänstens arbete mot våld i "
              "nära relationer (artikelnummer 2014-6-15)",
        publisher="Socialstyrelsen",
        url="https://www.socialstyrelsen.se/kunskapsstod-och-regler/omraden/evidensbaserad-praktik/metodguiden/freda/"),
    "RISK_DUTY": Source(
        title="SOSFS 2014:4 om våld i nära relationer, 5 kap. 1 § (Kunskapsguiden: Bedöma risk och behov av stöd)",
        publisher="Socialstyrelsen",
        url="https://kunskapsguiden.se/omraden-och-teman/vald-och-fortryck/vald-i-nara-relationer/"
            "bedoma-risk-och-behov-av-stod/",
        note="Om senare föreskrifter ersatt SOSFS 2014:4 är inte kontrollerat."),
    "REPORT_DUTY": Source(
        title="Anmälningsskyldighet: SoL (2001:453) 14 kap. 1 §; motsvarande bestämmelse i SoL (2025:400)",
        publisher="Socialstyrelsen (Kunskapsguiden: Skyldighet att anmäla)",
        url="https://kunskapsguiden.se/omraden-och-teman/vald-och-fortryck/vald-i-nara-relationer/"
            "skyldighet-att-anmala/",
        verified=False,
        note="Kapitel och paragraf i socialtjänstlagen (2025:400) är inte kontrollerade."),
}

# The three FREDA instruments, and "another standardised method" (named by the case worker).
KORTFRAGOR, BESKRIVNING, FARLIGHET, OTHER_METHOD = "kortfragor", "beskrivning", "farlighet", "other"
INSTRUMENTS = (KORTFRAGOR, BESKRIVNING, FARLIGHET)  # source: FREDA
# A risk level rests on an instrument meant for risk: FREDA-farlighetsbedömning (FREDA:
# "risken för fortsatt våld och dödligt våld") or another standardised method the case
# worker names (RISK_DUTY: "en standardiserad bedömningsmetod").
RISK_INSTRUMENTS = (FARLIGHET, OTHER_METHOD)

LOW, MEDIUM, HIGH, NOT_ASSESSED = "low", "medium", "high", "not_assessed"
RISK_LEVELS = (LOW, MEDIUM, HIGH, NOT_ASSESSED)  # Lika's record of the judgement (module docstring)
# At these levels the record must say which protective actions are planned.
ACTIONS_REQUIRED = (MEDIUM, HIGH)

MADE, NOT_MADE = "made", "not_made"
REPORT_OUTCOMES = (MADE, NOT_MADE)

# The steps of the guidance, in the order they are shown.
STEP_RISK, STEP_PAYMENT, STEP_CHILDREN, STEP_SUPPORT = "risk", "payment", "children", "support"


def guidance_steps(answer: str, *, children: int, other_adults: int) -> list[str]:
    """The steps shown to the case worker for an answer to the question about violence:
    none unless the answer is yes; then a risk assessment (RISK_DUTY), paying the exposed
    adult alone when another adult is in the household (särskilda skäl), the duty to
    report concern for the children when there are children (REPORT_DUTY), and contacts
    for support."""
    if answer != "yes":
        return []
    steps = [STEP_RISK]
    if other_adults > 0:
        steps.append(STEP_PAYMENT)
    if children > 0:
        steps.append(STEP_CHILDREN)
    steps.append(STEP_SUPPORT)
    return steps


def assessment_problems(*, instruments, other_method: str, risk_level: str, not_assessed_reason: str,
                        summary: str, protective_actions: str, assessed_on: date | None,
                        held_on: date, today: date) -> dict[str, str]:
    """What is wrong with a risk assessment, as {field: problem code}; empty when it can be
    recorded."""
    problems: dict[str, str] = {}
    instruments = set(instruments)
    if not instruments <= {*INSTRUMENTS, OTHER_METHOD}:
        problems["instruments"] = "unknown_instrument"
    elif OTHER_METHOD in instruments and not other_method.strip():
        problems["other_method"] = "name_other_method"
    elif other_method.strip() and OTHER_METHOD not in instruments:
        problems["instruments"] = "other_method_not_chosen"
    if assessed_on is None:
        problems["assessed_on"] = "date_missing"
    elif assessed_on > today:
        problems["assessed_on"] = "date_in_future"
    elif assessed_on < held_on:
        problems["assessed_on"] = "date_before_meeting"
    if risk_level not in RISK_LEVELS:
        problems["risk_level"] = "unknown_level"
    elif risk_level == NOT_ASSESSED:
        if not not_assessed_reason.strip():
            problems["not_assessed_reason"] = "reason_missing"
    else:
        if not instruments & set(RISK_INSTRUMENTS) and "instruments" not in problems:
            problems["instruments"] = "level_needs_risk_instrument"
        if not_assessed_reason.strip():
            problems["not_assessed_reason"] = "reason_only_when_not_assessed"
        if risk_level in ACTIONS_REQUIRED and not protective_actions.strip():
            problems["protective_actions"] = "actions_missing"
    if not summary.strip():
        problems["summary"] = "summary_missing"
    return problems


def report_problems(*, outcome: str, reported_on: date | None, reason: str, held_on: date,
                    today: date) -> dict[str, str]:
    """What is wrong with the record of an orosanmälan (made on a date, or not made and why)."""
    if outcome not in REPORT_OUTCOMES:
        return {"outcome": "unknown_outcome"}
    problems: dict[str, str] = {}
    if outcome == MADE:
        if reported_on is None:
            problems["reported_on"] = "date_missing"
        elif reported_on > today:
            problems["reported_on"] = "date_in_future"
        elif reported_on < held_on:
            problems["reported_on"] = "date_before_meeting"
    else:
        if reported_on is not None:
            problems["reported_on"] = "date_only_when_made"
        if not reason.strip():
            problems["reason"] = "reason_missing"
    return problems
