"""Writes for the vote. One function per use case, each in one transaction with its audit
row — except that nothing about a cast ballot is audited or logged (voting/README.md).

Lock order, always: Vote, then BallotCode, then Ballot rows.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress.models import Attendance, RuleSet
from congress.selectors import session_headcount
from congress.services import audit_record
from livelihood.i18n import in_site_language

from . import domain
from .models import (
    Ballot,
    BallotChannel,
    BallotCode,
    BallotStatus,
    CandidateResult,
    EvaluationResult,
    Grade,
    OfficerRole,
    PaperDecision,
    PaperEntry,
    Vote,
    VoteCandidate,
    VoteOfficer,
    VoteResult,
    VoteStatus,
)
from .permissions import (
    user_can_certify,
    user_can_enter_paper,
    user_can_manage_vote,
    user_can_scrutinize,
)
from .selectors import paper_sequences, paper_state, tally_from_database


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def rule_message(error: domain.VoteRuleError) -> str:
    """The user-facing message naming the rule that refused a setup or a ballot."""
    p = error.params
    messages = {
        "slots_positive": _("The number of slots must be at least 1."),
        "no_candidates": _("The candidate list is empty."),
        "ranking_not_supported": _(
            "Ranking ballots are not supported yet; set the ballot type to for/against/abstain."
        ),
        "competitive_needs_more": _(
            "A competitive vote (差额) needs more candidates than slots: %(candidates)s "
            "candidates for %(slots)s slots."
        ),
        "equal_needs_same": _(
            "An equal vote (等额) needs as many candidates as slots: %(candidates)s candidates "
            "for %(slots)s slots."
        ),
        "malformed_ballot": _("The ballot could not be read. Mark every candidate and try again."),
    }
    return messages.get(error.code, error.code) % p if p else messages.get(error.code, error.code)


_official = in_site_language  # stored titles and reasons: always the site's language


def _audit(vote: Vote, actor, action: str, **after) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=vote,
        township=vote.session.term.township,
        county=vote.session.term.county,
        after=after or None,
    )


def _lock(vote: Vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("session__term__township", "session__term__county")
        .get(pk=vote.pk)
    )


def _transition(vote: Vote, allowed_from: tuple[str, ...]) -> None:
    if vote.status not in allowed_from:
        raise ValidationError(
            _("This cannot be done while the vote is “%(status)s”.")
            % {"status": vote.get_status_display()}
        )


# ---------------------------------------------------------------------------------------------
# Setting up


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
    }


@transaction.atomic
def vote_create(*, actor, session, candidate_list, title: str = "") -> Vote:
    """Set up a vote from a locked candidate list, copying the township's rules onto it."""
    township = session.term.township
    vote = Vote(session=session)
    _require(township is not None and user_can_manage_vote(actor, vote))
    plan = candidate_list.plan
    if plan.township_id != township.pk:
        raise PermissionDenied
    if not candidate_list.is_locked:
        raise ValidationError(_("Lock the candidate list before setting up the vote."))
    rules, _created = RuleSet.objects.get_or_create(township=township)
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
    _audit(vote, actor, "vote.create", candidates=len(candidates), slots=plan.slots, mode=vote.mode)
    return vote


EVALUATED_STATUSES = ("elected", "implementing", "completed")


def _evidence(project) -> dict | None:
    """Supervision's record of the project, if the supervision stage is installed."""
    try:
        from supervision.selectors import project_evidence
    except ImportError:  # pragma: no cover - supervision not built yet
        return None
    data = project_evidence(project)
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
    township = session.term.township
    _require(township is not None and user_can_manage_vote(actor, Vote(session=session)))
    if plan.township_id != township.pk:
        raise PermissionDenied
    from projects.models import Project

    # The projects elected by this plan's votes (run-offs included) that are still in hand.
    projects = list(
        Project.objects.filter(
            vote_candidacies__vote__candidate_list__plan=plan,
            vote_candidacies__vote__kind="projects",
            vote_candidacies__result__elected=True,
            status__in=EVALUATED_STATUSES,
        )
        .distinct()
        .order_by("id")
    )
    if not projects:
        raise ValidationError(_("The plan has no elected projects to evaluate."))
    rules, _created = RuleSet.objects.get_or_create(township=township)
    vote = Vote(
        kind="evaluation",
        session=session,
        plan=plan,
        title=title
        or _official(
            gettext_noop("Satisfaction evaluation of the %(year)s livelihood projects"),
            year=plan.year,
        ),
        slots=len(projects),
        code_salt=secrets.token_hex(16),
        evaluation_rules={
            "allows_abstain": rules.evaluation_allows_abstain,
            "sub_items": list(rules.evaluation_sub_items),
            "grade_base": rules.evaluation_grade_base,
            "half_counts": rules.evaluation_half_counts,
            "rectify_on_basic": rules.rectify_on_basic,
            "report_on_unsatisfied": rules.report_on_unsatisfied,
            "low_rated_priority": rules.low_rated_priority,
        },
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
    _audit(vote, actor, "evaluation.create", projects=len(projects))
    return vote


def _validate_choices(vote: Vote, choices: str, candidates: int) -> None:
    if vote.kind == "evaluation":
        domain.validate_evaluation_marks(
            choices,
            projects=candidates,
            sub_items=len(vote.evaluation_rules.get("sub_items", [])),
            allows_abstain=vote.evaluation_rules.get("allows_abstain", False),
        )
    else:
        domain.validate_marks(choices, candidates=candidates)


def _status_of(vote: Vote, choices: str) -> str:
    if vote.kind == "evaluation":
        return domain.evaluation_ballot_status(choices, blank_policy=vote.blank_ballot_policy)
    return domain.ballot_status(
        choices, mode=vote.mode, slots=vote.slots, blank_policy=vote.blank_ballot_policy
    )


@transaction.atomic
def vote_officer_add(*, actor, vote: Vote, role: str, name: str, user=None) -> VoteOfficer:
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED))
    if role == OfficerRole.CHIEF_SCRUTINEER and vote.officers.filter(role=role).exists():
        raise ValidationError(_("The vote already has a chief scrutineer."))
    officer = VoteOfficer(vote=vote, role=role, name=name.strip(), user=user)
    officer.full_clean()
    officer.save()
    _audit(vote, actor, "vote.officer_add", role=role, name=officer.name)
    return officer


@transaction.atomic
def vote_officer_remove(*, actor, officer: VoteOfficer) -> None:
    vote = _lock(officer.vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED))
    _audit(vote, actor, "vote.officer_remove", role=officer.role, name=officer.name)
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
    _transition(vote, (VoteStatus.DRAFT,))
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
    _audit(vote, actor, "vote.codes_generated", count=len(codes))
    # Shuffle: the print order says nothing about the storage order.
    ordered = list(codes)
    secrets.SystemRandom().shuffle(ordered)
    return ordered


@transaction.atomic
def vote_record_issued(*, actor, vote: Vote, slips_issued: int, paper_issued: int) -> Vote:
    """How many code slips and paper ballots were handed out (发出表决票) — never to whom."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED))
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
        action="vote.issued",
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
    _transition(vote, (VoteStatus.DRAFT,))
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
    vote.status = VoteStatus.OPEN
    vote.opened_at = timezone.now()
    vote.save(update_fields=["status", "opened_at"])
    _audit(vote, actor, "vote.open", present=present, due=due)
    return vote


@transaction.atomic
def vote_switch_to_paper(*, actor, vote: Vote) -> Vote:
    """S4: electronic voting failed — continue on paper. Electronic ballots already cast are
    kept; codes stop working at once; unused slips count as withdrawn."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.DRAFT, VoteStatus.OPEN))
    vote.paper_mode = True
    vote.save(update_fields=["paper_mode"])
    _audit(vote, actor, "vote.paper_mode")
    return vote


# ---------------------------------------------------------------------------------------------
# Casting — no actor, no audit row, no log line: the code is the credential.


class BallotRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # typo, unknown, not_open, already_cast, malformed


@dataclass(frozen=True)
class CastReceipt:
    tracker: str


def code_check(*, vote_id: int, typed: str) -> Vote:
    """Find the open vote a typed code belongs to, or refuse. Does not use the code."""
    code = domain.normalize_code(typed or "")
    if code is None:
        raise BallotRefused("typo")
    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is None:
        raise BallotRefused("unknown")
    row = (
        BallotCode.objects.filter(vote=vote, code_hash=domain.code_hash(code, salt=vote.code_salt))
        .values_list("used", flat=True)
        .first()
    )
    if row is None:
        raise BallotRefused("unknown" if vote.status == VoteStatus.OPEN else "not_open")
    if vote.status != VoteStatus.OPEN or vote.paper_mode:
        raise BallotRefused("not_open")
    if row:
        raise BallotRefused("already_cast")
    return vote


def code_find_vote(*, typed: str) -> Vote:
    """Which open vote a typed code belongs to (codes are salted per vote), in one query over
    the open votes' hashes. Refuses a typo, an unknown code or one already used."""
    code = domain.normalize_code(typed or "")
    if code is None:
        raise BallotRefused("typo")
    salts = dict(
        Vote.objects.filter(status=VoteStatus.OPEN, paper_mode=False).values_list("code_salt", "id")
    )
    if not salts:
        raise BallotRefused("unknown")
    found = (
        BallotCode.objects.filter(
            code_hash__in=[domain.code_hash(code, salt=salt) for salt in salts]
        )
        .values_list("vote_id", "used")
        .first()
    )
    if found is None:
        raise BallotRefused("unknown")
    if found[1]:
        raise BallotRefused("already_cast")
    return Vote.objects.get(pk=found[0])


def ballot_cast(*, vote_id: int, typed_code: str, choices: str) -> CastReceipt:
    """Cast one ballot with a code. Exactly once: the code row is locked and marked used in the
    same transaction that stores the ballot; a concurrent or retried submission finds it used
    and is told "already cast". The ballot row carries no link to the code or to anyone."""
    code = domain.normalize_code(typed_code or "")
    if code is None:
        raise BallotRefused("typo")
    with transaction.atomic():
        # A share lock on the vote: casts do not wait for each other, closing (which locks
        # the row for update) waits for casts in flight, and a cast after closing sees the
        # vote closed. Django has no FOR SHARE, hence raw SQL.
        found = list(
            Vote.objects.raw(
                "SELECT id, kind, status, paper_mode, mode, slots, blank_ballot_policy, "
                "code_salt, trackers_enabled, evaluation_rules FROM voting_vote "
                "WHERE id = %s FOR SHARE",
                [vote_id],
            )
        )
        if not found:
            raise BallotRefused("unknown")
        vote = found[0]
        if vote.status != VoteStatus.OPEN or vote.paper_mode:
            raise BallotRefused("not_open")
        hashed = domain.code_hash(code, salt=vote.code_salt)
        updated = BallotCode.objects.filter(vote=vote, code_hash=hashed, used=False).update(
            used=True
        )
        if updated != 1:
            exists = BallotCode.objects.filter(vote=vote, code_hash=hashed).exists()
            raise BallotRefused("already_cast" if exists else "unknown")
        candidates = VoteCandidate.objects.filter(vote=vote).count()
        try:
            _validate_choices(vote, choices, candidates)
        except domain.VoteRuleError as exc:
            raise BallotRefused("malformed") from exc
        limit = domain.approval_limit(mode=vote.mode, slots=vote.slots, candidates=candidates)
        if vote.kind != "evaluation" and choices.count(domain.YES) > limit:
            # The page enforces the limit; a forged or stale form is refused, not spoiled.
            raise BallotRefused("too_many")
        status = _status_of(vote, choices)
        tracker = (
            domain.new_tracker(vote_id=vote.pk, choices=choices) if vote.trackers_enabled else ""
        )
        Ballot.objects.create(
            vote=vote,
            choices=choices,
            status=status,
            channel=BallotChannel.ELECTRONIC,
            tracker=tracker,
        )
    return CastReceipt(tracker=tracker)


def _rewrite_box(vote: Vote) -> None:
    """Delete and re-insert the vote's ballots sorted by content, in one transaction, so that
    physical order and transaction ids no longer reflect casting order."""
    rows = list(
        Ballot.objects.filter(vote=vote)
        .order_by("choices", "status", "channel", "tracker")
        .values_list("choices", "status", "channel", "tracker")
    )
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create(
        [Ballot(vote=vote, choices=c, status=s, channel=ch, tracker=t) for c, s, ch, t in rows],
        batch_size=5000,
    )


@transaction.atomic
def vote_close(*, actor, vote: Vote) -> Vote:
    """Close the box: burn the codes (delete them, keeping only how many were used) and
    rewrite the ballot box in content order."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.OPEN,))
    vote.codes_used = BallotCode.objects.filter(vote=vote, used=True).count()
    BallotCode.objects.filter(vote=vote).delete()
    _rewrite_box(vote)
    vote.status = VoteStatus.CLOSED
    vote.closed_at = timezone.now()
    vote.save(update_fields=["codes_used", "status", "closed_at"])
    _audit(vote, actor, "vote.close", electronic_ballots=vote.codes_used)
    return vote


# ---------------------------------------------------------------------------------------------
# Paper ballots: double entry, comparison, scrutineers' decisions


PAPER_KEYS = {
    "1": domain.YES,
    "2": domain.NO,
    "3": domain.ABSTAIN,
    "0": domain.NO_MARK,
    "9": domain.UNREADABLE,
}


def parse_paper_keys(keys: str, *, candidates: int) -> tuple[str, str, bool]:
    """A teller's keystrokes for one ballot → (choices, status override, doubtful).

    One digit per candidate: 1 赞成, 2 反对, 3 弃权, 0 no mark, 9 unreadable; or a single X for a
    ballot that is invalid as a whole (e.g. defaced), B for a ballot with no mark at all.
    A trailing ? marks the ballot doubtful (B3) for the scrutineers.
    """
    text = "".join(keys.split()).upper()
    doubtful = text.endswith("?")
    text = text.rstrip("?")
    if text == "X":
        return domain.NO_MARK * candidates, BallotStatus.INVALID, doubtful
    if text == "B":
        return domain.NO_MARK * candidates, "", doubtful
    if len(text) != candidates or any(ch not in PAPER_KEYS for ch in text):
        raise ValidationError(
            _(
                "Type one digit per candidate (%(count)s): 1 for, 2 against, 3 abstain, 0 no mark, "
                "9 unreadable; or X for an invalid ballot, B for a blank one."
            )
            % {"count": candidates}
        )
    return "".join(PAPER_KEYS[ch] for ch in text), "", doubtful


EVALUATION_PAPER_KEYS = {
    "1": domain.SATISFIED,
    "2": domain.BASIC,
    "3": domain.UNSATISFIED,
    "4": domain.ABSTAIN,
    "0": domain.NO_MARK,
    "9": domain.UNREADABLE,
}


def parse_evaluation_keys(
    keys: str, *, projects: int, sub_items: int, allows_abstain: bool
) -> tuple[str, str, bool]:
    """Evaluation ballots: one digit per project (then per project and sub-item): 1 满意,
    2 基本满意, 3 不满意, 4 弃权 (when allowed), 0 no mark, 9 unreadable; X invalid, B blank;
    a trailing ? marks it doubtful."""
    length = domain.evaluation_length(projects=projects, sub_items=sub_items)
    text = "".join(keys.split()).upper()
    doubtful = text.endswith("?")
    text = text.rstrip("?")
    if text == "X":
        return domain.NO_MARK * length, BallotStatus.INVALID, doubtful
    if text == "B":
        return domain.NO_MARK * length, "", doubtful
    allowed = set(EVALUATION_PAPER_KEYS) - (set() if allows_abstain else {"4"})
    if len(text) != length or any(ch not in allowed for ch in text):
        raise ValidationError(
            _(
                "Type one digit per mark (%(count)s): 1 satisfied, 2 basically satisfied, "
                "3 unsatisfied, 0 no mark, 9 unreadable; or X for an invalid ballot, B for a "
                "blank one."
            )
            % {"count": length}
        )
    return "".join(EVALUATION_PAPER_KEYS[ch] for ch in text), "", doubtful


def paper_keys_for(vote: Vote, keys: str) -> tuple[str, str, bool]:
    candidates = vote.candidates.count()
    if vote.kind == "evaluation":
        return parse_evaluation_keys(
            keys,
            projects=candidates,
            sub_items=len(vote.evaluation_rules.get("sub_items", [])),
            allows_abstain=vote.evaluation_rules.get("allows_abstain", False),
        )
    return parse_paper_keys(keys, candidates=candidates)


@transaction.atomic
def paper_entry_save(*, actor, vote: Vote, slot: str, sequence: int, keys: str) -> PaperEntry:
    vote = _lock(vote)
    _require(user_can_enter_paper(actor, vote))
    _transition(vote, (VoteStatus.CLOSED,))
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    if slot not in ("A", "B"):
        raise ValidationError(_("Choose the first or the second teller's sequence."))
    other = "B" if slot == "A" else "A"
    if PaperEntry.objects.filter(vote=vote, slot=other, entered_by=actor).exists():
        raise ValidationError(
            _(
                "You are entering the other sequence: the two entries must be made by different "
                "tellers."
            )
        )
    choices, override, doubtful = paper_keys_for(vote, keys)
    status = override or _status_of(vote, choices)
    existing = PaperEntry.objects.filter(vote=vote, slot=slot, sequence=sequence).first()
    if existing is None:
        expected = PaperEntry.objects.filter(vote=vote, slot=slot).count() + 1
        if sequence != expected:
            raise ValidationError(
                _("Enter the ballots in order: the next is number %(n)s.") % {"n": expected}
            )
        entry = PaperEntry(vote=vote, slot=slot, sequence=sequence, entered_by=actor)
        before = None
    else:
        if existing.entered_by_id != actor.pk:
            raise PermissionDenied
        entry = existing
        before = {"choices": entry.choices, "status": entry.status}
    entry.choices, entry.status, entry.doubtful = choices, status, doubtful
    entry.full_clean()
    entry.save()
    if before is not None:  # corrections are logged; first entries are the record itself
        audit_record(
            actor=actor,
            action="paper.correct",
            obj=vote,
            township=vote.session.term.township,
            before={"sequence": sequence, "slot": slot, **before},
            after={"choices": choices, "status": status},
        )
    return entry


@transaction.atomic
def paper_decide(*, actor, vote: Vote, sequence: int, keys: str, reason: str) -> PaperDecision:
    """The scrutineers decide a ballot the tellers entered differently, or a doubtful one."""
    vote = _lock(vote)
    _require(user_can_scrutinize(actor, vote))
    _transition(vote, (VoteStatus.CLOSED,))
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    sequences = paper_sequences(vote)
    if sequence < 1 or sequence > max(len(sequences["A"]), len(sequences["B"])):
        raise ValidationError(_("There is no paper ballot with this number."))
    choices, override, _doubtful = paper_keys_for(vote, keys)
    status = override or _status_of(vote, choices)
    decision, _created = PaperDecision.objects.update_or_create(
        vote=vote,
        sequence=sequence,
        defaults={
            "choices": choices,
            "status": status,
            "reason": reason.strip()[:200],
            "decided_by": actor,
        },
    )

    def entry(slot):
        seq = sequences[slot]
        return list(seq[sequence - 1]) if sequence <= len(seq) else None

    audit_record(
        actor=actor,
        action="paper.decide",
        obj=vote,
        township=vote.session.term.township,
        before={"sequence": sequence, "A": entry("A"), "B": entry("B")},
        after={"choices": choices, "status": status, "reason": decision.reason},
    )
    return decision


@transaction.atomic
def paper_finalize(*, actor, vote: Vote) -> int:
    """Put the agreed paper ballots into the box (after every mismatch and doubtful ballot is
    decided), then rewrite the box in content order. Returns how many were added."""
    vote = _lock(vote)
    _require(user_can_scrutinize(actor, vote) or user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.CLOSED,))
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    state = paper_state(vote)
    if state["open"]:
        raise ValidationError(
            _("Decide ballots %(numbers)s first.")
            % {"numbers": ", ".join(str(n) for n in state["open"])}
        )
    count = max(len(state["a"]), len(state["b"]))
    ballots = []
    for sequence in range(1, count + 1):
        decision = state["decisions"].get(sequence)
        if decision is not None:
            choices, status = decision.choices, decision.status
        else:
            choices, status = state["a"][sequence - 1]
        ballots.append(
            Ballot(vote=vote, choices=choices, status=status, channel=BallotChannel.PAPER)
        )
    Ballot.objects.bulk_create(ballots)
    _rewrite_box(vote)
    vote.paper_counted = True
    vote.save(update_fields=["paper_counted"])
    _audit(vote, actor, "paper.finalize", paper_ballots=count)
    return count


# ---------------------------------------------------------------------------------------------
# Counting, certifying, publishing


def issued_count(vote: Vote, electronic_returned: int) -> int:
    """发出表决票: slips handed out plus paper ballots. After a switch to paper, unused slips
    are withdrawn, so only the slips that were used count."""
    slips = electronic_returned if vote.paper_mode else vote.slips_issued
    return slips + vote.paper_issued


def _store_result(vote: Vote, t, headcount, *, base: int, tied=False, shortfall=0):
    """Reconcile (S1, S2) and store the vote's result row; shared by both kinds of vote."""
    electronic = Ballot.objects.filter(vote=vote, channel=BallotChannel.ELECTRONIC).count()
    issued = issued_count(vote, electronic)
    rec = domain.reconcile(
        issued=issued,
        returned=t.returned,
        present=headcount.present,
        in_office=headcount.due,
        numerator=vote.quorum_numerator,
        denominator=vote.quorum_denominator,
    )
    result, _created = VoteResult.objects.update_or_create(
        vote=vote,
        defaults={
            "due": headcount.due,
            "present": headcount.present,
            "on_leave": headcount.on_leave,
            "in_office": headcount.due,
            "issued": issued,
            "returned": t.returned,
            "electronic": electronic,
            "paper": t.returned - electronic,
            "valid": t.valid,
            "invalid": t.invalid,
            "blank": t.blank,
            "pass_base_count": base,
            "quorum_met": rec.reason != "no_quorum",
            "is_valid": rec.valid,
            "void_reason": rec.reason,
            "needs_runoff": rec.valid and tied,
            "shortfall": shortfall if rec.valid else 0,
        },
    )
    return result, rec


@transaction.atomic
def vote_count(*, actor, vote: Vote) -> VoteResult:
    """Count the box, reconcile (S1, S2) and decide (P1–P4). Writes the stored result that
    every page and dashboard reads."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote) or user_can_scrutinize(actor, vote))
    _transition(vote, (VoteStatus.CLOSED, VoteStatus.COUNTED))
    if vote.paper_issued and not vote.paper_counted:
        raise ValidationError(_("Finish entering and checking the paper ballots first."))
    candidates = list(vote.candidates.order_by("position"))
    if vote.kind == "evaluation":
        return _count_evaluation(actor, vote, candidates)
    t = tally_from_database(vote, len(candidates))
    headcount = session_headcount(vote.session)
    base = domain.pass_base_count(
        vote.pass_base, in_office=headcount.due, due=headcount.due, present=headcount.present
    )
    decision = domain.decide(t.yes, slots=vote.slots, base=base, mode=vote.mode)
    result, rec = _store_result(
        vote, t, headcount, base=base, tied=bool(decision.tied), shortfall=decision.shortfall
    )
    CandidateResult.objects.filter(vote_result=result).delete()
    CandidateResult.objects.bulk_create(
        CandidateResult(
            vote_result=result,
            candidate=c,
            yes=t.yes[i],
            no=t.no[i],
            abstain=t.abstain[i],
            passed=i in decision.passed,
            elected=rec.valid and i in decision.elected,
            tied=rec.valid and i in decision.tied,
            rank=decision.ranks[i],
        )
        for i, c in enumerate(candidates)
    )
    vote.status = VoteStatus.COUNTED if rec.valid else VoteStatus.VOID
    vote.void_reason = rec.reason
    vote.save(update_fields=["status", "void_reason"])
    _audit(vote, actor, "vote.count", returned=t.returned, issued=result.issued, valid=rec.valid)
    return result


def _count_evaluation(actor, vote: Vote, candidates) -> VoteResult:
    """E2–E3: per project counts per grade and its grade; S1–S2 as for any secret ballot."""
    rules = vote.evaluation_rules
    sub_items = list(rules.get("sub_items", []))
    t = domain.tally_evaluation(
        Ballot.objects.filter(vote=vote).values_list("choices", "status"),
        projects=len(candidates),
        sub_items=len(sub_items),
    )
    headcount = session_headcount(vote.session)
    base = domain.grade_base_count(
        rules.get("grade_base", "returned"),
        returned=t.returned,
        valid=t.valid,
        present=headcount.present,
        in_office=headcount.due,
    )
    result, rec = _store_result(vote, t, headcount, base=base)
    EvaluationResult.objects.filter(vote_result=result).delete()
    EvaluationResult.objects.bulk_create(
        EvaluationResult(
            vote_result=result,
            candidate=c,
            satisfied=t.projects[i]["satisfied"],
            basic=t.projects[i]["basic"],
            unsatisfied=t.projects[i]["unsatisfied"],
            abstain=t.projects[i]["abstain"],
            grade=(
                domain.evaluation_grade(
                    satisfied=t.projects[i]["satisfied"],
                    basic=t.projects[i]["basic"],
                    base=base,
                    half_counts=rules.get("half_counts", True),
                )
                or ""
            )
            if rec.valid
            else "",
            sub_items={name: t.sub_items[i][k] for k, name in enumerate(sub_items)},
        )
        for i, c in enumerate(candidates)
    )
    vote.status = VoteStatus.COUNTED if rec.valid else VoteStatus.VOID
    vote.void_reason = rec.reason
    vote.save(update_fields=["status", "void_reason"])
    _audit(
        vote, actor, "evaluation.count", returned=t.returned, issued=result.issued, valid=rec.valid
    )
    return result


def box_digest_of(vote: Vote) -> str:
    return domain.box_digest(
        Ballot.objects.filter(vote=vote).values_list("tracker", "choices", "status", "channel")
    )


@transaction.atomic
def vote_certify(*, actor, vote: Vote) -> Vote:
    """The chief scrutineer certifies the count; the digest of the whole box is fixed."""
    vote = _lock(vote)
    _require(user_can_certify(actor, vote))
    _transition(vote, (VoteStatus.COUNTED,))
    vote.box_digest = box_digest_of(vote)
    vote.status = VoteStatus.CERTIFIED
    vote.certified_at = timezone.now()
    vote.certified_by = actor
    vote.save(update_fields=["box_digest", "status", "certified_at", "certified_by"])
    _audit(vote, actor, "vote.certify", digest=vote.box_digest)
    return vote


@transaction.atomic
def vote_publish(*, actor, vote: Vote) -> Vote:
    """The presidium announces the result (P6): elected projects leave the reserve for
    implementation; the others return to it. A result with a pending run-off publishes the
    elected ones now; the tied candidates wait for the run-off."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.CERTIFIED,))
    if vote.kind == "evaluation":
        _evaluation_consequences(actor, vote)
    else:
        _mark_outcomes(actor, vote)
    vote.status = VoteStatus.PUBLISHED
    vote.published_at = timezone.now()
    vote.save(update_fields=["status", "published_at"])
    _audit(vote, actor, "vote.publish")
    return vote


def _mark_outcomes(actor, vote: Vote) -> None:
    """Elected projects move to implementation (with an empty implementation plan when the
    supervision stage is installed); the others return to the reserve."""
    from projects.services import project_mark_outcome

    try:
        from supervision.services import implementation_plan_ensure
    except ImportError:  # pragma: no cover - supervision not built yet
        implementation_plan_ensure = None
    for cr in CandidateResult.objects.filter(vote_result__vote=vote).select_related(
        "candidate__project"
    ):
        project = cr.candidate.project
        if project is None or cr.tied:
            continue
        project = project_mark_outcome(actor=actor, project=project, elected=cr.elected)
        if cr.elected and implementation_plan_ensure is not None:
            implementation_plan_ensure(actor=actor, project=project)


def _evaluation_consequences(actor, vote: Vote) -> list[str]:
    """E4, as the copied rules say: 基本满意 → rectification; 不满意 → rectification and a
    report to the standing committee; both → next year's supervision priority; unfinished
    projects → an explanation and a completion plan. Needs the supervision stage."""
    try:
        from supervision import services as supervision
    except ImportError:  # pragma: no cover - supervision not built yet
        return []
    rules = vote.evaluation_rules
    year = vote.plan.year if vote.plan_id else vote.session.date.year
    deadline = vote.session.date + datetime.timedelta(days=90)
    done = []
    for ev in EvaluationResult.objects.filter(vote_result__vote=vote).select_related(
        "candidate__project"
    ):
        project = ev.candidate.project
        if project is None:
            continue
        if ev.grade == "basic" and rules.get("rectify_on_basic", True):
            supervision.rectification_create(
                actor=actor,
                project=project,
                deadline=deadline,
                report_required=False,
                title=_official(
                    gettext_noop("Rectification after the satisfaction evaluation (基本满意)")
                ),
                source="evaluation",
            )
            done.append(f"rectify:{project.pk}")
        if ev.grade == "unsatisfied":
            supervision.rectification_create(
                actor=actor,
                project=project,
                deadline=deadline,
                report_required=rules.get("report_on_unsatisfied", True),
                title=_official(
                    gettext_noop("Rectification after the satisfaction evaluation (不满意)")
                ),
                source="evaluation",
            )
            done.append(f"rectify:{project.pk}")
        if ev.grade in ("basic", "unsatisfied") and rules.get("low_rated_priority", True):
            supervision.project_priority_set(
                actor=actor,
                project=project,
                year=year + 1,
                reason=_official(
                    gettext_noop("Rated %(grade)s in the satisfaction evaluation"),
                    grade=Grade(ev.grade).label,  # lazy: rendered in the official language
                ),
            )
        if project.status != "completed":
            supervision.rectification_create(
                actor=actor,
                project=project,
                deadline=deadline,
                report_required=True,
                title=_official(
                    gettext_noop("Unfinished project: explain and submit a completion plan")
                ),
                source="evaluation",
            )
    return done


def _child_vote(vote: Vote, *, title: str, slots: int, mode: str, rows) -> Vote:
    child = Vote.objects.create(
        session=vote.session,
        candidate_list=vote.candidate_list,
        parent=vote,
        title=title,
        slots=slots,
        code_salt=secrets.token_hex(16),
        mode=mode,
        ballot_type=vote.ballot_type,
        pass_base=vote.pass_base,
        quorum_numerator=vote.quorum_numerator,
        quorum_denominator=vote.quorum_denominator,
        tie_rule=vote.tie_rule,
        shortfall_rule=vote.shortfall_rule,
        blank_ballot_policy=vote.blank_ballot_policy,
        trackers_enabled=vote.trackers_enabled,
    )
    VoteCandidate.objects.bulk_create(
        VoteCandidate(
            vote=child,
            position=i,
            project=cr.candidate.project,
            title=cr.candidate.title,
            content=cr.candidate.content,
            location=cr.candidate.location,
            investment=cr.candidate.investment,
            deadline=cr.candidate.deadline,
        )
        for i, cr in enumerate(rows, start=1)
    )
    return child


def followup_kind(vote: Vote) -> str:
    """What the count leaves to do: "runoff" (P3, re-vote among the tied), "presidium"
    (P3, the presidium decides the tie), "further" (P4, a further vote for empty slots) or
    ""."""
    result = getattr(vote, "result", None)
    if result is None or not result.is_valid:
        return ""
    if result.needs_runoff:
        return "runoff" if vote.tie_rule == "revote" else "presidium"
    if result.shortfall and vote.shortfall_rule == "further_vote":
        return "further"
    return ""


@transaction.atomic
def vote_create_runoff(*, actor, vote: Vote) -> Vote:
    """P3: a re-vote among the tied candidates only, for the remaining slots; or P4: a
    further vote (另行票决) among the candidates not elected, for the slots left empty."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.COUNTED, VoteStatus.CERTIFIED, VoteStatus.PUBLISHED))
    kind = followup_kind(vote)
    if kind not in ("runoff", "further"):
        raise ValidationError(_("There is no tie to resolve."))
    if vote.runoffs.exists():
        raise ValidationError(_("The run-off has already been set up."))
    result = vote.result
    rows = (
        CandidateResult.objects.filter(vote_result=result)
        .select_related("candidate__project")
        .order_by("candidate__position")
    )
    elected = sum(1 for r in rows if r.elected)
    if kind == "runoff":
        chosen = [r for r in rows if r.tied]
        slots = vote.slots - elected
        mode = domain.COMPETITIVE
        title = _official(gettext_noop("%(title)s — run-off"), title=vote.title)
    else:
        chosen = [r for r in rows if not r.elected]
        slots = min(result.shortfall, len(chosen))
        mode = domain.COMPETITIVE if len(chosen) > slots else domain.EQUAL
        title = _official(gettext_noop("%(title)s — further vote"), title=vote.title)
    if not chosen or slots < 1:
        raise ValidationError(_("There are no candidates left for a further vote."))
    child = _child_vote(vote, title=title, slots=slots, mode=mode, rows=chosen)
    _audit(
        vote,
        actor,
        "vote.runoff" if kind == "runoff" else "vote.further",
        child=child.pk,
        candidates=len(chosen),
        slots=slots,
    )
    return child


@transaction.atomic
def vote_resolve_tie(*, actor, vote: Vote, elected_positions: list[int], reason: str) -> Vote:
    """P3 with the "presidium decides" rule: the presidium picks which tied candidates take
    the remaining slots; the decision and its reason are recorded."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.COUNTED, VoteStatus.CERTIFIED))
    if followup_kind(vote) != "presidium":
        raise ValidationError(_("There is no tie for the presidium to decide."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    result = vote.result
    rows = list(CandidateResult.objects.filter(vote_result=result).select_related("candidate"))
    tied = {r.candidate.position: r for r in rows if r.tied}
    remaining = vote.slots - sum(1 for r in rows if r.elected)
    chosen = set(elected_positions)
    if not chosen <= set(tied) or len(chosen) != remaining:
        raise ValidationError(_("Choose exactly %(n)s of the tied candidates.") % {"n": remaining})
    for position, row in tied.items():
        row.elected = position in chosen
        row.tied = False
        row.save(update_fields=["elected", "tied"])
    result.needs_runoff = False
    result.save(update_fields=["needs_runoff"])
    _audit(vote, actor, "vote.presidium_tie", elected=sorted(chosen), reason=reason.strip())
    return vote
