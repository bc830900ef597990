from django import template

register = template.Library()


@register.filter
def overdue_on(item, today) -> bool:
    """Whether a ledger item is overdue on ``today`` (no logic in templates: one call)."""
    return item.is_overdue(today)


@register.inclusion_tag("supervision/_home_box.html", takes_context=True)
def supervision_home_box(context):
    """The deputy's 'my groups' box on the home page (two queries)."""
    from .. import selectors

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"groups": [], "n_items": 0}
    return {
        "groups": list(selectors.my_groups(user)[:5]),
        "n_items": selectors.my_open_items(user).count(),
    }
