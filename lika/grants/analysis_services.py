"""Writes of the 3R analysis: the population (entered or imported from SCB's CSV) and the
Realia text (a new version per save, never overwritten).  Each in one transaction with its
access-log row."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from lika.accounts.models import Role
from lika.audit.services import access_log_write
from lika.core.population_file import PopulationFile, parse_population

from .analysis_models import PopulationCount, RealiaText
from .models import Programme

# Who may open the analysis pages and write Realia (the grants officer joins when that role exists).
ANALYSIS_ROLES = (Role.ANALYST, Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
MAX_POPULATION_FILE = 5_000_000  # SCB's BE0101N1 for one municipality, 101 ages × 2 × 50 years: ~0.5 MB
MAX_REALIA = 20_000  # characters per field


def may_analyse(user) -> bool:
    return user.is_authenticated and user.has_role(*ANALYSIS_ROLES)


def _check(user):
    if not may_analyse(user):
        raise PermissionDenied


def read_population(upload) -> PopulationFile:
    """Check an uploaded population file (size, then encoding, then every line)."""
    if upload.size > MAX_POPULATION_FILE:
        return PopulationFile((), ((0, f"filen är större än {MAX_POPULATION_FILE // 1_000_000} MB"),))
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # SCB's older exports are Windows-1252
        if "\ufffd" in text:
            return PopulationFile((), ((0, "filen är varken UTF-8 eller Windows-1252; spara den som UTF-8"),))
    return parse_population(io.StringIO(text, newline=None))


def population_import(*, acting_user, upload) -> PopulationFile:
    """Store the rows of a good file.  The file **replaces every stored row of the years it
    holds** (so entered and imported ages never overlap; the access log keeps how many were
    replaced).  A bad file stores nothing."""
    _check(acting_user)
    parsed = read_population(upload)
    if not parsed.ok:
        return parsed
    source = f"SCB BE0101N1, {parsed.region}"[:300]
    years = sorted({row.year for row in parsed.rows})
    with transaction.atomic():
        replaced, _ = PopulationCount.objects.filter(year__in=years).delete()
        PopulationCount.objects.bulk_create(
            PopulationCount(year=r.year, gender=r.gender, age_low=r.age_low, age_high=r.age_high, count=r.count,
                            source=source, entered_by=acting_user) for r in parsed.rows)
        access_log_write(actor=acting_user, action="create", object_type="grants.populationcount",
                         summary=f"Folkmängd {years[0]}–{years[-1]} ur SCB-fil ({parsed.region}): "
                                 f"{len(parsed.rows)} rader, {replaced} ersatta",
                         new={"rows": len(parsed.rows), "replaced": replaced, "years": years})
    return parsed


def _overlaps(low, high, other_low, other_high) -> bool:
    return (other_high is None or low <= other_high) and (high is None or other_low <= high)


def population_set(*, acting_user, year, gender, age_low, age_high, count, source) -> PopulationCount:
    """Enter one population figure by hand (replaces the same year, gender and ages)."""
    _check(acting_user)
    if age_high is not None and age_high < age_low:
        raise ValidationError("åldern till får inte vara lägre än åldern från")
    with transaction.atomic():
        same = PopulationCount.objects.select_for_update().filter(year=year, gender=gender, age_low=age_low)
        same = same.filter(age_high=age_high) if age_high is not None else same.filter(age_high__isnull=True)
        old = same.first()
        for other in PopulationCount.objects.filter(year=year, gender=gender).exclude(pk=getattr(old, "pk", None)):
            if _overlaps(age_low, age_high, other.age_low, other.age_high):
                raise ValidationError(
                    f"åldrarna överlappar en inlagd rad för {year} "
                    f"({other.age_low}–{'' if other.age_high is None else other.age_high} år); "
                    "ändra den raden i stället eller läs in en ny fil för året")
        old_count = None if old is None else old.count
        if old is not None:
            old.delete()
        row = PopulationCount.objects.create(year=year, gender=gender, age_low=age_low, age_high=age_high,
                                             count=count, source=source[:300], entered_by=acting_user)
        access_log_write(actor=acting_user, action="update" if old is not None else "create",
                         object_type="grants.populationcount", object_id=row.pk,
                         summary=f"Folkmängd {year} {gender} {age_low}–{'' if age_high is None else age_high}",
                         old=None if old is None else {"count": old_count}, new={"count": count, "source": source})
    return row


def realia_save(*, acting_user, programme, year, why, measures, based_on) -> RealiaText:
    """Save a new version of the Realia text.  ``based_on`` is the version the author
    started from (0 for none): when someone has saved since, nothing is saved and the
    message says so — a text is never silently overwritten."""
    _check(acting_user)
    why, measures = why.strip(), measures.strip()
    if not why:
        raise ValidationError("Skriv varför fördelningen ser ut som den gör.")
    if len(why) > MAX_REALIA or len(measures) > MAX_REALIA:
        raise ValidationError(f"Texten får vara högst {MAX_REALIA} tecken per fält.")
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)  # one writer at a time per programme
        latest = RealiaText.objects.filter(programme=programme, year=year).aggregate(v=Max("version"))["v"] or 0
        if based_on != latest:
            raise ValidationError(
                f"Någon har sparat en nyare version (version {latest}) sedan du öppnade sidan. "
                "Läs den och skriv in dina ändringar igen; inget har sparats.")
        text = RealiaText.objects.create(programme=programme, year=year, version=latest + 1, why=why,
                                         measures=measures, author=acting_user)
        access_log_write(actor=acting_user, action="create", object_type="grants.realiatext", object_id=text.pk,
                         summary=f"Realia {programme.name} {year}, version {text.version}"[:300],
                         new={"why": why[:1000], "measures": measures[:1000]})
    return text
