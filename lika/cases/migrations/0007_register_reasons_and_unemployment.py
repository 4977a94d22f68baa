"""Issue 14, the register file to Socialstyrelsen (HSLF-FS 2015:30, docs/formats.md):
reasons for leaving support as bilaga 2 distinguishes them, and the three kinds of
unemployment among the försörjningshinder.

Existing data: a försörjningshinder "unemployed" (until now plain "Arbetslös") stays
"unemployed", which now means *arbetslös – ingen ersättning*, unless the same
application lists an unemployment benefit (a-kassa or aktivitetsstöd, more than 0 kr)
as the adult's own income (or the household's, when it names nobody): then the adult
was *arbetslös – otillräcklig ersättning*.  *Väntar på ersättning* cannot be told from
the data and is never assigned here.  Going back turns both into "unemployed" again.
Close reasons keep their values and meaning (new values only)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

BENEFITS = ("unemployment_benefit", "activity_support")


def split_unemployed(apps, schema_editor):
    SupportObstacle = apps.get_model("cases", "SupportObstacle")
    ApplicationIncome = apps.get_model("cases", "ApplicationIncome")
    benefit = ApplicationIncome.objects.filter(
        Q(person_id=OuterRef("person_id")) | Q(person__isnull=True),
        application_id=OuterRef("application_id"), type__in=BENEFITS, amount__gt=0)
    (SupportObstacle.objects.filter(category="unemployed").filter(Exists(benefit))
     .update(category="unemployed_insufficient"))


def join_unemployed(apps, schema_editor):
    SupportObstacle = apps.get_model("cases", "SupportObstacle")
    (SupportObstacle.objects.filter(category__in=("unemployed_insufficient", "unemployed_waiting"))
     .update(category="unemployed"))


class Migration(migrations.Migration):

    dependencies = [("cases", "0006_norms_provisional_acknowledgement")]

    operations = [
        migrations.AlterField(
            model_name="case", name="close_reason",
            field=models.CharField(blank=True, choices=[
                ("work", "Egen försörjning genom arbete"),
                ("work_subsidised", "Arbete med anställningsstöd (t.ex. nystartsjobb, lönebidrag)"),
                ("studies", "Studier med studiemedel"),
                ("unemployment_benefit", "Arbetslöshetsersättning eller aktivitetsstöd"),
                ("establishment", "Etableringsersättning"),
                ("sickness_benefit", "Sjukpenning, sjuk- eller aktivitetsersättning"),
                ("parental_benefit", "Föräldrapenning"),
                ("pension", "Pension eller äldreförsörjningsstöd"),
                ("other_benefit", "Annan ersättning (t.ex. a-kassa, sjukpenning, pension)"),
                ("moved", "Flyttat från kommunen"), ("deceased", "Avliden"), ("no_contact", "Ingen ny ansökan"),
                ("other", "Annat")], max_length=20, verbose_name="anledning till avslut"),
        ),
        migrations.AlterField(
            model_name="supportobstacle", name="category",
            field=models.CharField(choices=[
                ("unemployed", "Arbetslös – ingen ersättning"),
                ("unemployed_insufficient", "Arbetslös – otillräcklig ersättning"),
                ("unemployed_waiting", "Arbetslös – väntar på ersättning"),
                ("unemployed_establishment", "Arbetslös med etableringsersättning"),
                ("working", "Arbetar, otillräcklig inkomst"), ("sick_certified", "Sjukskriven med läkarintyg"),
                ("sickness_compensation", "Sjuk- eller aktivitetsersättning"),
                ("social_reasons", "Arbetshinder – sociala skäl"), ("parental_leave", "Föräldraledig"),
                ("none", "Utan försörjningshinder")], max_length=30, verbose_name="försörjningshinder"),
        ),
        migrations.RunPython(split_unemployed, join_unemployed),
    ]
