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
def pct(value):
    return domain.pct(value)


@register.filter
def money(value):
    return domain.money(value)
