"""Setting up: the vote or the evaluation, its officers, the code slips, the counts
issued, opening and the switch to paper."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress.audit import AuditAction
from congress.models import Attendance, RuleSet
from congress.selectors import ruleset_for_session, session_headcount
from congress.services import audit_record

from .. import domain, hooks, sealing
from ..machine import VOTE_MACHINE
from ..messages import rule_message
from ..models import BallotCode, OfficerRole, Vote, VoteCandidate, VoteKind, VoteOfficer
from ..permissions import user_can_manage_vote
from ._base import _audit, _lock, _official, _require


def _copy_rules(rules: RuleSet) -> dict:
    return {
        "mode": rules.vote_mode,
        "ballot_type": rules.ballot_type,
        "pass_base": rules.pass_base,
        "quorum_numerator": rules.quorum_numerator,
        "quorum_denominator": rules.quorum_denominator,
        "tie_rule": rules.tie_rule,
        "shortfall_rule": rules.shortfall_rule,
        "blank_ballot_policy": rules.blank_ballot_policy,
        "trackers_enabled": rules.trackers_enabled,
        "key_holders": rules.key_holders,
        "key_threshold": rules.key_threshold,
    }


def _plan_of_body(plan, session) -> bool:
    """The plan belongs to the session's congress body: its township, or for a county
    congress's session the county's own plan (never a township's)."""
    term = session.term
    if term.township_id is not None:
        return plan.township_id == term.township_id
    return plan.township_id is None and plan.county_id == term.county_id


@transaction.atomic
def vote_create(*, actor, session, candidate_list, title: str = "") -> Vote:
    """Set up a vote from a locked candidate list, copying the body's rules onto it: a
    township's, or — for a county plenary — the county congress's own."""
    vote = Vote(session=session)
    _require(user_can_manage_vote(actor, vote))
    plan = candidate_list.plan
    if not _plan_of_body(plan, session):
        raise PermissionDenied
    if not candidate_list.is_locked:
        raise ValidationError(_("Lock the candidate list before setting up the vote."))
    rules = ruleset_for_session(session)
    candidates = list(candidate_list.candidates.select_related("project").order_by("position"))
    try:
        domain.check_setup(
            mode=rules.vote_mode,
            candidates=len(candidates),
            slots=plan.slots,
            ballot_type=rules.ballot_type,
        )
    except domain.VoteRuleError as exc:
        raise ValidationError(rule_message(exc)) from exc
    vote = Vote(
        session=session,
        candidate_list=candidate_list,
        title=title or _official(gettext_noop("%(year)s livelihood projects vote"), year=plan.year),
        slots=plan.slots,
        code_salt=secrets.token_hex(16),
        **_copy_rules(rules),
    )
    vote.full_clean()
    vote.save()
    VoteCandidate.objects.bulk_create(
        VoteCandidate(
            vote=vote,
            position=i,
            project=c.project,
            title=c.project.title,
            content=c.project.content,
            location=c.project.location,
            investment=c.project.estimated_investment,
            deadline=c.project.deadline,
        )
        for i, c in enumerate(candidates, start=1)
    )
    _audit(
        vote,
        actor,
        AuditAction.VOTE_CREATE,
        candidates=len(candidates),
        slots=plan.slots,
        mode=vote.mode,
    )
    return vote


EVALUATED_STATUSES = ("elected", "implementing", "completed")


def _evidence(project) -> dict | None:
    """Supervision's record of the project, as the cycle layer provides it (voting/hooks.py),
    made JSON-ready for the snapshot."""
    data = hooks.project_evidence(project)
    if data is None:
        return None
    return {
        k: (
            v.isoformat()
            if hasattr(v, "isoformat")
            else (str(v) if v is not None and not isinstance(v, bool | int | str) else v)
        )
        for k, v in data.items()
    }


@transaction.atomic
def evaluation_create(*, actor, session, plan, title: str = "") -> Vote:
    """Set up the satisfaction evaluation (E1, E5) of a past plan's elected projects at a
    session, with the evaluation rules copied on and supervision's evidence snapshotted for
    the ballot."""
    _require(user_can_manage_vote(actor, Vote(session=session)))
    if not _plan_of_body(plan, session):
        raise PermissionDenied
    from projects.models import Project

    # The projects elected by this plan's votes (run-offs included) that are still in hand.
    projects = list(
        Project.objects.filter(
            vote_candidacies__vote__candidate_list__plan=plan,
            vote_candidacies__vote__kind=VoteKind.PROJECTS,
            vote_candidacies__result__elected=True,
            status__in=EVALUATED_STATUSES,
        )
        .distinct()
        .order_by("id")
    )
    if not projects:
        raise ValidationError(_("The plan has no elected projects to evaluate."))
    rules = ruleset_for_session(session)
    try:
        evaluation_rules = domain.EvaluationRules.from_ruleset(rules)
    except domain.VoteRuleError as exc:
        raise ValidationError(
            _("The rule set's evaluation rules cannot be used (%(field)s): correct them first.")
            % {"field": exc.params.get("field", "")}
        ) from exc
    vote = Vote(
        kind=VoteKind.EVALUATION,
        session=session,
        plan=plan,
        title=title
        or _official(
            gettext_noop("Satisfaction evaluation of the %(year)s livelihood projects"),
            year=plan.year,
        ),
        slots=len(projects),
        code_salt=secrets.token_hex(16),
        evaluation_rules=evaluation_rules.to_json(),
        **{**_copy_rules(rules), "mode": domain.ITEMIZED, "ballot_type": "approval"},
    )
    vote.full_clean()
    vote.save()
    VoteCandidate.objects.bulk_create(
        VoteCandidate(
            vote=vote,
            position=i,
            project=p,
            title=p.title,
            content=p.content,
            location=p.location,
            investment=p.estimated_investment,
            deadline=p.deadline,
            evidence=_evidence(p),
        )
        for i, p in enumerate(projects, start=1)
    )
    _audit(vote, actor, AuditAction.EVALUATION_CREATE, projects=len(projects))
    return vote


@transaction.atomic
def vote_officer_add(*, actor, vote: Vote, role: str, name: str, user=None) -> VoteOfficer:
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "name_officers")
    if role == OfficerRole.CHIEF_SCRUTINEER and vote.officers.filter(role=role).exists():
        raise ValidationError(_("The vote already has a chief scrutineer."))
    officer = VoteOfficer(vote=vote, role=role, name=name.strip(), user=user)
    officer.full_clean()
    officer.save()
    _audit(vote, actor, AuditAction.VOTE_OFFICER_ADD, role=role, name=officer.name)
    return officer


@transaction.atomic
def vote_officer_remove(*, actor, officer: VoteOfficer) -> None:
    vote = _lock(officer.vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "name_officers")
    _audit(vote, actor, AuditAction.VOTE_OFFICER_REMOVE, role=officer.role, name=officer.name)
    officer.delete()


def deputies_on_roll(vote: Vote) -> int:
    return Attendance.objects.filter(session_id=vote.session_id).count()


@transaction.atomic
def vote_generate_codes(
    *, actor, vote: Vote, spares: int, seen_printings: int | None = None
) -> list[str]:
    """One code per deputy on the roll plus spares. Returns the codes in plain text, once, for
    printing; only salted hashes are stored. Generating again replaces every earlier code.

    ``seen_printings`` is the printing count the console showed: when slips were printed
    since (another window, a repeated request), nothing is replaced and the printed slips stay
    valid."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "print_codes")
    if seen_printings is not None and seen_printings != vote.codes_printings:
        raise ValidationError(
            _(
                "Code slips were printed a moment ago from another window or by a repeated "
                "click; those slips stay valid. Print new ones only if they are lost."
            )
        )
    if not 0 <= spares <= 200:
        raise ValidationError(_("Spares must be between 0 and 200."))
    on_roll = deputies_on_roll(vote)
    if on_roll == 0:
        raise ValidationError(_("Open the session's roll first: codes are made per deputy."))
    codes: set[str] = set()
    while len(codes) < on_roll + spares:
        codes.add(domain.new_code())
    BallotCode.objects.filter(vote=vote).delete()
    BallotCode.objects.bulk_create(
        BallotCode(vote=vote, code_hash=domain.code_hash(c, salt=vote.code_salt)) for c in codes
    )
    vote.codes_generated = len(codes)
    vote.codes_printings += 1
    vote.save(update_fields=["codes_generated", "codes_printings"])
    _audit(vote, actor, AuditAction.VOTE_CODES_GENERATED, count=len(codes))
    # Shuffle: the print order says nothing about the storage order.
    ordered = list(codes)
    secrets.SystemRandom().shuffle(ordered)
    return ordered


@transaction.atomic
def vote_record_issued(*, actor, vote: Vote, slips_issued: int, paper_issued: int) -> Vote:
    """How many code slips and paper ballots were handed out (发出表决票) — never to whom."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "record_issued")
    if slips_issued < 0 or paper_issued < 0:
        raise ValidationError(_("Counts cannot be negative."))
    if slips_issued > vote.codes_generated:
        raise ValidationError(
            _("Only %(count)s code slips were printed.") % {"count": vote.codes_generated}
        )
    before = {"slips_issued": vote.slips_issued, "paper_issued": vote.paper_issued}
    vote.slips_issued = slips_issued
    vote.paper_issued = paper_issued
    vote.save(update_fields=["slips_issued", "paper_issued"])
    audit_record(
        actor=actor,
        action=AuditAction.VOTE_ISSUED,
        obj=vote,
        township=vote.session.term.township,
        before=before,
        after={"slips_issued": slips_issued, "paper_issued": paper_issued},
    )
    return vote


def _present(vote: Vote) -> tuple[int, int]:
    count = session_headcount(vote.session)
    return count.present, count.due


@transaction.atomic
def vote_open(*, actor, vote: Vote) -> Vote:
    """Open the ballot box. Refused without the quorum (S1) or without codes."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "open")
    present, due = _present(vote)
    if not domain.quorum_met(
        present=present,
        in_office=due,
        numerator=vote.quorum_numerator,
        denominator=vote.quorum_denominator,
    ):
        raise ValidationError(
            _("No quorum: %(present)s of %(due)s deputies present.")
            % {"present": present, "due": due}
        )
    if not vote.paper_mode and vote.codes_generated == 0:
        raise ValidationError(_("Generate and print the code slips first."))
    if not vote.paper_mode and not vote.is_sealed and sealed_ballots_required():
        raise ValidationError(
            _("Print the key share slips (密钥分片) first: ballots are sealed to the vote's key.")
        )
    vote.opened_at = timezone.now()
    VOTE_MACHINE.apply(vote, "open", save=False, actor=actor, present=present, due=due)
    vote.save(update_fields=["status", "opened_at"])
    return vote


@transaction.atomic
def vote_switch_to_paper(*, actor, vote: Vote) -> Vote:
    """S4: electronic voting failed — continue on paper. Electronic ballots already cast are
    kept; codes stop working at once; unused slips count as withdrawn."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "switch_to_paper")
    vote.paper_mode = True
    vote.save(update_fields=["paper_mode"])
    _audit(vote, actor, AuditAction.VOTE_PAPER_MODE)
    return vote


def sealed_ballots_required() -> bool:
    """Whether a vote may open for electronic casting only after its key ceremony (密钥分片):
    yes, by default (``VOTING_REQUIRE_KEY_CEREMONY``, livelihood/settings/base.py). A vote with
    no scrutineer named cannot print slips, so it cannot open electronically (S3 requires
    them); a vote on paper from the start opens without one. Turned off, a vote without a
    ceremony stores its ballots unsealed — for old test data only (voting/README.md)."""
    return bool(getattr(settings, "VOTING_REQUIRE_KEY_CEREMONY", True))


def key_holders_of(vote: Vote) -> list[VoteOfficer]:
    """The key holders, in slip order: the chief scrutineer, then the scrutineers."""
    officers = list(
        vote.officers.filter(
            role__in=(OfficerRole.CHIEF_SCRUTINEER, OfficerRole.SCRUTINEER)
        ).order_by("role", "id")
    )
    return sorted(officers, key=lambda o: o.role != OfficerRole.CHIEF_SCRUTINEER)


@dataclass(frozen=True)
class ShareSlip:
    index: int
    holder: str  # the officer's name, or "" for a spare holder
    role: str  # the officer's role label
    typed: str  # the typed form (59 symbols + check), shown once on the printed slip


@dataclass(frozen=True)
class CeremonyResult:
    slips: list[ShareSlip]
    threshold: int
    holders: int
    key_fingerprint: str


@transaction.atomic
def vote_key_ceremony(*, actor, vote: Vote, seen_printings: int | None = None) -> CeremonyResult:
    """密钥分发: make the vote's key pair, split its private key k-of-n among the chief
    scrutineer and the scrutineers, and return the share slips, once, for printing. The vote
    keeps the public key and each share's fingerprint; the private key and the shares live
    only in this call and the PDF response. Printing again (before opening) makes a new key
    and voids every earlier slip."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "print_key_shares")
    if seen_printings is not None and seen_printings != vote.key_printings:
        raise ValidationError(
            _(
                "Key share slips were printed a moment ago from another window or by a "
                "repeated click; those slips stay valid. Print new ones only if they are lost."
            )
        )
    officers = key_holders_of(vote)
    if not officers:
        raise ValidationError(
            _("Name the chief scrutineer and the scrutineers first: they hold the key.")
        )
    rules_n = vote.key_holders or len(officers)
    holders = rules_n
    threshold = vote.key_threshold or sealing.default_threshold(holders)
    if not 1 <= threshold <= holders <= 255:
        raise ValidationError(
            _("The rules ask for %(k)s of %(n)s key shares, which cannot be met.")
            % {"k": threshold, "n": holders}
        )
    ceremony = sealing.key_ceremony(vote_id=vote.pk, threshold=threshold, holders=holders)
    vote.public_key = ceremony.public_key.hex()
    vote.share_fingerprints = [sealing.share_fingerprint(s) for s in ceremony.shares]
    vote.key_printings += 1
    vote.key_threshold, vote.key_holders = threshold, holders  # fixed from now on
    vote.save(
        update_fields=[
            "public_key",
            "share_fingerprints",
            "key_printings",
            "key_threshold",
            "key_holders",
        ]
    )
    _audit(
        vote,
        actor,
        AuditAction.VOTE_KEY_CEREMONY,
        threshold=threshold,
        holders=holders,
        key=sealing.key_fingerprint(ceremony.public_key),
    )
    slips = []
    for share in ceremony.shares:
        officer = officers[share.index - 1] if share.index <= len(officers) else None
        slips.append(
            ShareSlip(
                index=share.index,
                holder=officer.name if officer else "",
                role=str(officer.get_role_display()) if officer else str(_("Key holder")),
                typed=sealing.encode_share(share),
            )
        )
    return CeremonyResult(
        slips=slips,
        threshold=threshold,
        holders=holders,
        key_fingerprint=sealing.key_fingerprint(ceremony.public_key),
    )
