"""Texts the e-service shows that come from settings, so that they are translated."""

from django.utils.translation import gettext_noop

# LIKA_VIOLENCE_SUPPORT's default labels (lika/config/settings.py)
VIOLENCE_LABELS = (
    gettext_noop("Kvinnofridslinjen (dygnet runt, avgiftsfritt)"),
    gettext_noop("Socialtjänstens mottagning för våld i nära relationer"),
    gettext_noop("ring kommunens växel och fråga efter socialtjänsten"),
)
