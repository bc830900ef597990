from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    """The layer above the stage apps: what spans stages (the home page's work list and the
    residents' front door, the demo year) lives here, so no stage imports a later one."""

    name = "cycle"
    verbose_name = _("Yearly cycle")
