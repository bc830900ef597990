"""Pages that span the stages: the home page (each role's work list; the residents' front
door)."""

from django.core.cache import cache
from django.shortcuts import render

from congress import selectors as congress_selectors
from congress.permissions import get_scope

from .frontdoor import front_door
from .worklist import worklist_for


def home(request):
    """A home page per role listing what needs the user's attention; for residents, the
    front door to the published projects, their progress, the receipt lookup and how to
    suggest. Both span every stage, so the page lives in the cycle layer."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html", front_door())
    context = congress_selectors.home_attention(request.user)
    context["worklist"] = worklist_for(request.user)
    context["worklist_empty"] = not any(s.tasks for s in context["worklist"])
    scope = get_scope(request.user)
    if scope.is_staff_anywhere or scope.is_superuser:
        try:
            context["worker_heartbeat"] = cache.get("worker-heartbeat")
        except Exception:  # Redis down: the page still works
            context["worker_heartbeat"] = None
        context["worker_checked"] = True
    return render(request, "home.html", context)
