from django import template

from reports import domain, export

register = template.Library()


@register.filter
def fig(figures, name):
    """{{ figures|fig:"investment" }} → the figure for display (— when unknown)."""
    return export.display(figures, name)


@register.filter
def fig_sort(figures, name):
    """The raw value for sorting a table column (empty when unknown)."""
    value = getattr(figures, name, None)
    return "" if value is None else value


@register.filter
def person_name(user) -> str:
    """Who a person is to the people reading the page: the account's full name, else the name
    of the deputy the account belongs to, else the user name (``staff_a`` means nothing to
    a reviewer). Callers select ``deputy`` with the user to keep it one query."""
    if user is None:
        return ""
    full = user.get_full_name().strip()
    if full:
        return full
    deputy = getattr(user, "deputy", None)  # the reverse one-to-one raises AttributeError
    if deputy is not None and deputy.name:
        return deputy.name
    return user.get_username()


@register.filter
def pct(value):
    return domain.pct(value)


@register.filter
def money(value):
    return domain.money(value)
