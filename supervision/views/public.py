"""The public progress page of a project (no personal data)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from .. import selectors


def public_project(request, pk):
    project = selectors.public_projects_all().filter(pk=pk).first()
    if project is None:
        raise Http404
    plan = getattr(project, "implementation_plan", None)
    reports = list(
        project.progress_reports.only(
            "period", "reported_on", "percent_complete", "status", "invested", "project_id"
        )
    )
    return render(
        request,
        "supervision/public_project.html",
        {
            "project": project,
            "plan": plan,
            "milestones": list(plan.milestones.all()) if plan else [],
            "reports": reports,
            "evidence": selectors.project_evidence(project),
            "villages": list(project.villages.all()),
        },
    )
