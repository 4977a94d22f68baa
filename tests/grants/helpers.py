"""Fictional grant data shared by the grant tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

RULES = {
    "valid_from": "2026-01-01",
    "source": "Kultur- och fritidsnämnden, beslut 2025-11-12 § 42 (fiktivt)",
    "age_min": 7,
    "age_max": 25,
    "occasion_rate": 30,
    "participant_rates": {"7-12": {"F": 10, "M": 8}, "13-25": 6},
    "min_participants": 3,
    "min_minutes": 60,
    "leader_required": True,
    "leader_min_age": 13,
}

# 2026-03-01: three girls/boys 7–12 with a leader, 60 minutes: counts.
#   30 kr + F 2017 (age 9) 10 kr + F 2016 (10) 10 kr + M 2016 (10) 8 kr = 58 kr.
# 2026-03-08: only 45 minutes: rejected with "45 minuter, minst 60 krävs".
GOOD = """datum;grupp;deltagare;födelseår;kön;ledare;minuter
2026-03-01;F10;1001;2017;K;;60
2026-03-01;F10;1002;2016;K;;60
2026-03-01;F10;1003;2016;M;;60
2026-03-01;F10;9001;1990;K;ja;60
2026-03-08;F10;1001;2017;K;;45
2026-03-08;F10;1002;2016;K;;45
2026-03-08;F10;1003;2016;M;;45
2026-03-08;F10;9001;1990;K;ja;45
"""

BAD = """datum;grupp;deltagare;födelseår;kön;ledare;minuter
2026-03-01;F10;1001;2017;K;;60
2026-13-01;F10;1002;2016;K;;60
2026-03-01;F10;1003;2016;Q;;60
"""


def upload(text, name="narvaro.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
