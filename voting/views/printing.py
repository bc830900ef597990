"""Printing: the blank paper ballot, the certificate and the presidium's notice."""

from django.http import Http404

from ..models import VoteStatus
from ..permissions import user_can_enter_paper, user_can_manage_vote, user_can_view_results
from ._base import _counted, _pdf, vote_view


def _can_print_blank(user, vote):
    return user_can_manage_vote(user, vote) or user_can_enter_paper(user, vote)


@vote_view(_can_print_blank)
def paper_ballot_pdf(request, vote):
    from ..pdf import render_paper_ballot

    size = "A3" if request.GET.get("size") == "A3" else "A4"
    return _pdf(render_paper_ballot(vote=vote, size=size), f"{vote.title}-表决票-{size}.pdf")


@vote_view(user_can_view_results)
def certificate_pdf(request, vote):
    if not _counted(vote):
        raise Http404
    from ..pdf import render_certificate

    return _pdf(render_certificate(vote=vote), f"{vote.title}-计票结果报告单.pdf")


@vote_view(user_can_view_results)
def notice_pdf(request, vote):
    if vote.status not in (VoteStatus.CERTIFIED, VoteStatus.PUBLISHED):
        raise Http404
    from ..pdf import render_notice

    return _pdf(render_notice(vote=vote), f"{vote.title}-主席团公告.pdf")
