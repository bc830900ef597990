"""Liaison stations and the QR links residents use to send suggestions.

A congress body is a township or a county's own congress (issue 17). A township's links are
one per deputy and one per station; a county congress's are its general link, one per county
deputy and one per county-level station (县级联络站, which sits in one of the county's
townships but files into the county's intake)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import County, Township, Village
from congress.services import audit_record

from ..models import IntakeLink, LiaisonStation, body_fields
from ..permissions import is_county, user_can_manage_body
from ..selectors.reserve import deputies_without_intake_link, general_intake_link
from ._base import _require
from .bodies import audit_body, body_of
from .codes import _new_intake_token


@transaction.atomic
def station_create(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    name: str,
    village: Village | None = None,
    address: str = "",
    site: Township | None = None,
) -> LiaisonStation:
    """A liaison station with its QR link. A county congress's station (``county=``) sits in
    ``site``, one of the county's townships (or the village's township); its link files into
    the county's intake."""
    body = body_of(township=township, county=county)
    _require(user_can_manage_body(actor, body))
    if is_county(body):
        if site is None and village is not None:
            site = village.township
        if site is None or site.county_id != body.pk:
            raise ValidationError({"site": _("Choose a township of this county.")})
        if village is not None and village.township_id != site.pk:
            raise ValidationError({"village": _("Choose a village of this township.")})
    else:
        site = body
        if village is not None and village.township_id != body.pk:
            raise ValidationError({"village": _("Choose a village of this township.")})
    station = LiaisonStation(township=site, name=name, village=village, address=address)
    station.full_clean()
    station.save()
    link = IntakeLink(token=_new_intake_token(), **body_fields(body), station=station)
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATION_CREATE,
        obj=station,
        **audit_body(body),
        after={"name": name, "token": link.token},
    )
    return station


@transaction.atomic
def intake_links_ensure(
    *, actor, township: Township | None = None, county: County | None = None
) -> int:
    """Give every deputy in office and every station of a township a QR link; a county
    congress its general link and one per county deputy in office (its stations get theirs
    when they are added). Idempotent; returns the number of links created."""
    body = body_of(township=township, county=county)
    _require(user_can_manage_body(actor, body))
    where = body_fields(body)
    created = 0
    if is_county(body) and general_intake_link(body) is None:
        IntakeLink.objects.create(token=_new_intake_token(), **where)
        created += 1
    for deputy in deputies_without_intake_link(body).order_by("pk"):
        IntakeLink.objects.create(token=_new_intake_token(), **where, deputy=deputy)
        created += 1
    if not is_county(body):
        for station in LiaisonStation.objects.filter(township=body, intake_link__isnull=True):
            IntakeLink.objects.create(token=_new_intake_token(), **where, station=station)
            created += 1
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.INTAKE_LINKS_CREATE,
            obj=body,
            **audit_body(body),
            after={"created": created},
        )
    return created
