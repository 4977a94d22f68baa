"""Texts the e-service shows that come from settings, so that they are translated."""

from django.utils.translation import gettext_noop

# LIKA_VIOLENCE_SUPPORT's default labels (lika/config/settings.py)
VIOLENCE_LABELS = (
    gettext_noop("Kvinnofridslinjen (dygnet runt, avgiftsfritt)"),
    gettext_noop("Socialtjänstens mottagning för våld i nära relationer"),
    gettext_noop("ring kommunens växel och fråga efter socialtjänsten"),
)

# The upload checks shared with the staff's case documents (lika/cases/files.py) are shown in
# the e-service too: listed here so that the e-service's own catalogues carry their translations.
UPLOAD_MESSAGES = (
    gettext_noop("Välj en fil att ladda upp."),
    gettext_noop("Filen är tom."),
    gettext_noop("Filen är större än %(size)s MB. Ta en mindre bild eller dela upp dokumentet."),
    gettext_noop("Filnamnet går inte att använda. Byt namn på filen till bara bokstäver, siffror och punkt, "
                 "till exempel kvitto.pdf."),
    gettext_noop("Filens namn stämmer inte med innehållet. En PDF ska sluta på .pdf, en bild på .jpg eller .png."),
    gettext_noop("Filtypen går inte att ladda upp. Ladda upp en PDF, JPEG eller PNG."),
)
