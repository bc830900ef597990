from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    """The layer above the stage apps: what spans stages (the home page's work list and the
    residents' front door, the demo year) lives here, so no stage imports a later one."""

    name = "cycle"
    verbose_name = _("Yearly cycle")

    def ready(self):
        # The hand-offs between stages (cycle/handoffs.py), plugged into the stages' hooks.
        from projects import hooks as projects_hooks
        from supervision import selectors as supervision_selectors
        from voting import hooks as voting_hooks

        from . import handoffs

        voting_hooks.vote_published.connect(
            handoffs.on_vote_published, dispatch_uid="cycle.on_vote_published"
        )
        voting_hooks.provide_project_evidence(supervision_selectors.project_evidence)
        projects_hooks.contribute_to_lineage(handoffs.lineage_after_the_reserve)
