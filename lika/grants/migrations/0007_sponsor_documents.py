"""Issue 15: the association's uploaded documents (statutes, annual report, accounts, budget)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0006_sponsor_premises_cost'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AssociationDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('statutes', 'Stadgar'), ('annual_report', 'Verksamhetsberättelse'), ('annual_accounts', 'Årsbokslut eller årsredovisning'), ('budget', 'Budget')], max_length=20, verbose_name='slag')),
                ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                ('file_name', models.CharField(max_length=200, verbose_name='filnamn')),
                ('stored_name', models.CharField(max_length=64, unique=True)),
                ('size', models.PositiveIntegerField(verbose_name='storlek (byte)')),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uppladdad')),
                ('association', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='grants.association')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'föreningsdokument',
                'verbose_name_plural': 'föreningsdokument',
                'ordering': ['-year', 'kind', '-uploaded_at'],
            },
        ),
    ]
