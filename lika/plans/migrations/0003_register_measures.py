"""Issue 14: the municipal labour-market measures the register file names apart
(HSLF-FS 2015:30 bilaga 1; docs/formats.md).  New values only."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("plans", "0002_statistics_date_indexes")]

    operations = [
        migrations.AlterField(
            model_name="planactivity", name="kind",
            field=models.CharField(choices=[
                ("sfi", "SFI – svenska för invandrare"), ("job_search", "Arbetssökande"),
                ("work_training", "Arbetsträning"), ("studies", "Studier"), ("rehabilitation", "Rehabilitering"),
                ("labour_market", "Arbetsmarknadsinsats"), ("internship", "Praktik anvisad av socialnämnden"),
                ("municipal_job", "Kommunal anställning (t.ex. extratjänst eller visstidsanställning)"),
                ("other", "Annat")], max_length=16, verbose_name="aktivitet"),
        ),
    ]
