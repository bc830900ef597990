"""``{% body_url "project_list" body %}``: a congress body's page — a township's, or the
county congress's twin under /counties/<pk>/ (issue 17)."""

from django import template

register = template.Library()


@register.simple_tag
def body_url(name, body):
    from ..views._base import body_url as _body_url

    return _body_url(name, body)


@register.simple_tag
def county_plans(county, limit=3):
    """The county congress's latest annual plans (the county congress page links their
    candidate lists)."""
    from ..models import AnnualPlan

    return list(AnnualPlan.objects.filter(county=county).order_by("-year")[:limit])
