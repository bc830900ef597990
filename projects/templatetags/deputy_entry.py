"""``{% deputy_entry_links deputy %}``: a deputy's buttons to the offline entry forms they may
use — their township's, and as a county deputy in office (县人大代表) their county congress's.
From the scope and the deputy the page already holds: no query."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from congress.permissions import get_scope

from ..permissions import user_can_enter_suggestions

register = template.Library()


@register.inclusion_tag("projects/_deputy_entry_links.html", takes_context=True)
def deputy_entry_links(context, deputy):
    user = context["request"].user
    links = []
    # A county-only deputy lives in a township without sitting in its congress: no link there.
    if deputy.is_township_deputy and user_can_enter_suggestions(user, deputy.township):
        links.append(
            {
                "label": _("Enter a suggestion"),
                "url": reverse("projects:suggestion_create", args=[deputy.township_id]),
                "testid": "enter-suggestion",
            }
        )
    county_id = get_scope(user).deputy_county_id  # = user_can_enter_suggestions(county)
    if county_id is not None:
        links.append(
            {
                "label": _("Enter a suggestion for the county congress"),
                "url": reverse("projects:county_suggestion_create", args=[county_id]),
                "testid": "enter-county-suggestion",
            }
        )
    return {"links": links}
