"""The e-service as the acting user of what residents do.

Lika's services record a staff user as the one who created or confirmed a row.  What a
resident does in the e-service is recorded with this system user (role ``eservice``,
inactive, no password: it never logs in), and the resident herself is named in the row
(the applicant, the party who confirmed) and in the access log (``person_id``)."""

from lika.accounts.models import Role, User

USERNAME = "e-tjanst"


def eservice_actor() -> User:
    user, created = User.objects.get_or_create(
        username=USERNAME, defaults={"role": Role.ESERVICE, "is_active": False, "first_name": "E-tjänsten"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
