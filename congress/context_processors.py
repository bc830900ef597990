from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import get_scope


def navigation(request):
    """Navigation entries by role. Built from the scope; no queries beyond the scope's own."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        scope = get_scope(user)
        items.append((_("Home"), reverse("home")))
        if scope.is_superuser or scope.any_township_role or scope.is_reviewer:
            items.append((_("Townships"), reverse("congress:township_list")))
        if scope.is_superuser:
            items.append((_("Administration"), reverse("admin:index")))
        items.append((_("API"), reverse("api:docs")))
    return {"nav_items": items}
