from django.urls import path

from . import views
from .views.ballot import ballot_cast_json, ballot_open_json, ballot_shell
from .views.console import delegation_counts, paper_batch_assign
from .views.paper import paper_batch_check, paper_batch_entry, paper_batch_finish

app_name = "voting"

urlpatterns = [
    # The ballot: no login, the code travels only in POST bodies (never in a path or query).
    path("ballot/", views.ballot, name="ballot"),
    path("ballot/review/", views.ballot_review, name="ballot_review"),
    path("ballot/cast/", views.ballot_cast, name="ballot_cast"),
    # The hall's fast path (voting/fastpath.py; gunicorn answers it in livelihood/wsgi.py).
    path("vote/", ballot_shell, name="ballot_shell"),
    path("vote/open", ballot_open_json, name="ballot_open_json"),
    path("vote/cast", ballot_cast_json, name="ballot_cast_json"),
    path("results/<int:pk>/", views.public_results, name="public_results"),
    path("box/<int:pk>/", views.sealed_box, name="sealed_box"),
    # Staff and officers
    path("sessions/<int:session_pk>/votes/", views.session_votes, name="session_votes"),
    path("sessions/<int:session_pk>/votes/new/", views.vote_create, name="vote_create"),
    path(
        "sessions/<int:session_pk>/evaluations/new/",
        views.evaluation_create,
        name="evaluation_create",
    ),
    path("votes/<int:pk>/", views.console, name="console"),
    path("votes/<int:pk>/live/", views.console_live, name="console_live"),
    path("votes/<int:pk>/display/", views.display, name="display"),
    path("votes/<int:pk>/display/live/", views.display_live, name="display_live"),
    path("votes/<int:pk>/officers/", views.officer_add, name="officer_add"),
    path(
        "votes/<int:pk>/officers/<int:officer_pk>/remove/",
        views.officer_remove,
        name="officer_remove",
    ),
    path("votes/<int:pk>/codes.pdf", views.codes_print, name="codes_print"),
    path("votes/<int:pk>/key-slips.pdf", views.key_slips_print, name="key_slips_print"),
    path("votes/<int:pk>/open-box/", views.open_box, name="open_box"),
    path("votes/<int:pk>/paper-revote/", views.paper_revote, name="paper_revote"),
    path("votes/<int:pk>/issued/", views.issued, name="issued"),
    path("votes/<int:pk>/do/<slug:name>/", views.action, name="action"),
    path("votes/<int:pk>/runoff/", views.runoff, name="runoff"),
    path("votes/<int:pk>/tie/", views.resolve_tie, name="resolve_tie"),
    path("votes/<int:pk>/certify/", views.certify, name="certify"),
    path("votes/<int:pk>/ballot.pdf", views.paper_ballot_pdf, name="paper_ballot_pdf"),
    path("votes/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("votes/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("votes/<int:pk>/results/", views.results, name="results"),
    path("votes/<int:pk>/paper/<str:slot>/", views.paper_entry, name="paper_entry"),
    path("votes/<int:pk>/paper-check/", views.paper_check, name="paper_check"),
    # A county plenary: per-delegation counts, paper entry split among teller pairs.
    path("votes/<int:pk>/delegation-counts/", delegation_counts, name="delegation_counts"),
    path("votes/<int:pk>/paper-batches/", paper_batch_assign, name="paper_batch_assign"),
    path(
        "votes/<int:pk>/paper/batch/<int:number>/finish/",
        paper_batch_finish,
        name="paper_batch_finish",
    ),
    path(
        "votes/<int:pk>/paper/batch/<int:number>/<str:slot>/",
        paper_batch_entry,
        name="paper_batch_entry",
    ),
    path(
        "votes/<int:pk>/paper-check/batch/<int:number>/",
        paper_batch_check,
        name="paper_batch_check",
    ),
]
