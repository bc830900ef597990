"""The reserve: the project list, a project's page, adding and editing projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import ProjectForm
from ..models import ProjectStatus, body_fields
from ..permissions import (
    user_can_manage_reserve,
    user_can_triage_suggestions,
    user_can_view_reserve,
)
from ._base import _render, body_view


@body_view(check=user_can_view_reserve)
def project_list(request, township):
    """A body's reserve: ``township`` is a Township or a County (its own congress)."""
    status = request.GET.get("status", "")
    if status not in ProjectStatus.values:
        status = ""
    search = request.GET.get("q", "").strip()[:50]
    qs = selectors.reserve_list(request.user, township=township, status=status, search=search)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return _render(
        request,
        "projects/project_list.html",
        {
            "township": township,
            "page": page,
            "status": status,
            "search": search,
            "statuses": ProjectStatus.choices,
            "can_manage": user_can_manage_reserve(request.user, township),
        },
    )


def _project_or_404(request, pk):
    project = selectors.projects_visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


@login_required
def project_detail(request, pk):
    project = _project_or_404(request, pk)
    can_manage = user_can_manage_reserve(request.user, project.body)
    suggestions = []
    if user_can_triage_suggestions(request.user, project.body):
        suggestions = project.suggestions.select_related("village", "deputy").order_by("created_at")
    return _render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "body": project.body,
            "lineage": selectors.project_lineage(project),
            "suggestions": suggestions,
            "can_manage": can_manage,
        },
    )


@body_view(manage=True)
def project_create(request, township):
    form = ProjectForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        villages = list(data.pop("villages"))
        try:
            project = services.project_create(
                actor=request.user, **body_fields(township), villages=villages, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project added to the reserve."))
            return redirect(project)
    return _render(
        request, "projects/project_form.html", {"form": form, "township": township, "project": None}
    )


@login_required
def project_edit(request, pk):
    project = _project_or_404(request, pk)
    if not user_can_manage_reserve(request.user, project.body):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, township=project.body)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        villages = list(data.pop("villages"))
        try:
            services.project_update(actor=request.user, project=project, villages=villages, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(project)
    return _render(
        request,
        "projects/project_form.html",
        {"form": form, "body": project.body, "project": project},
    )
