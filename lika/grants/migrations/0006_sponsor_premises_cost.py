"""Issue 15: a premises grant application keeps the premises cost (öre) beside its hours."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0005_sponsor_agreements'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='grantapplication',
            name='premises_cost',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='lokalkostnad (öre)'),
        ),
        migrations.AddConstraint(
            model_name='grantapplication',
            constraint=models.CheckConstraint(condition=models.Q(('premises_cost__gte', 0), ('premises_cost', None), _connector='OR'), name='grant_premises_cost_non_negative'),
        ),
    ]
