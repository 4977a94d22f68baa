import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from lika.grants import services
from lika.grants.models import Association, GrantGiver, Programme
from lika.households.demo import DEMO_PASSWORD
from tests.grants.helpers import GOOD, upload


@pytest.mark.django_db
def test_seed_demo_adds_associations_boards_programme_and_login():
    call_command("seed_demo", "--households", "2", "--cases", "0", "--seed", "3", stdout=open("/dev/null", "w"))
    assert Association.objects.count() == 4
    assert set(GrantGiver.objects.values_list("name", flat=True)) == {"Kommunstyrelsen", "Kultur- och fritidsnämnden"}
    user = authenticate(username="forening1", password=DEMO_PASSWORD)
    assert user is not None and user.association is not None
    programme = Programme.objects.get()
    preview = services.preview(association=user.association, programme=programme, upload=upload(GOOD))
    assert preview.errors == () and preview.result.total > 0
