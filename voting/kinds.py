"""The two kinds of secret ballot the congress casts, one object each behind one interface:
the project vote (票决, stage 3) and the satisfaction evaluation (满意度测评, stage 5).

They share all the machinery — codes, casting, sealing, paper double entry, reconciliation,
certification, the digest — and differ only in what this module owns: the marks a ballot may
carry and how long it is, when a ballot is invalid, the keys a teller types, the tally and
the stored results, the rows the pages show, the templates and labels, and what the audit log
calls the count. Services, views and templates ask ``kind_of(vote)`` instead of testing
``vote.kind``.

Steps both kinds take (checking the marks, a blank ballot, parsing paper keys, the box count)
are written once, in :class:`BallotKind` or in voting/domain.py; a kind only supplies its
figures (its marks, its length, its digits, its limit). The evaluation's rules are read
through :class:`~voting.domain.EvaluationRules` (typed, defaults in one place), never as
keys of the stored JSON."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congress.audit import AuditAction

from . import domain
from .domain import EvaluationRules
from .models import Ballot, CandidateResult, EvaluationResult, Vote, VoteKind

__all__ = [
    "BallotKind",
    "EvaluationRules",
    "Outcome",
    "ProjectVote",
    "SatisfactionEvaluation",
    "kind_of",
]


@dataclass(frozen=True)
class Outcome:
    """What the count decided beyond the figures: whether a tie waits for a run-off (P3) and
    how many slots no passing candidate fills (P4). ``decision`` is the kind's own."""

    tied: bool = False
    shortfall: int = 0
    decision: domain.Decision | None = None


class BallotKind:
    """One kind of ballot, bound to a vote. Subclasses supply their figures; the steps are
    here."""

    code: str
    label = ""
    digits: dict[str, str] = {}
    result_model = None
    results_template = ""
    display_template = ""
    results_title = ""
    candidates_heading = ""
    paper_keys_refusal = ""
    audit_overrides: dict[str, AuditAction] = {}

    def __init__(self, vote: Vote):
        self.vote = vote

    def __repr__(self):
        return f"<{type(self).__name__} of vote {self.vote.pk}>"

    # -- marks ----------------------------------------------------------------------------

    @property
    def sub_items(self) -> tuple[str, ...]:
        return ()

    def marks(self) -> frozenset[str]:
        raise NotImplementedError

    def length(self, candidates: int) -> int:
        """How many marks a ballot of ``candidates`` candidates (projects) carries."""
        raise NotImplementedError

    def over_limit(self, choices: str) -> bool:
        """B1: more approvals than the rules allow (refused at casting, invalid on paper)."""
        return False

    def validate(self, choices: str, *, candidates: int) -> None:
        """Refuse marks of the wrong length or outside the kind's marks (VoteRuleError)."""
        domain.check_marks(choices, length=self.length(candidates), allowed=self.marks())

    def status(self, choices: str) -> str:
        """valid, blank (B2, as the rules say) or invalid (B1)."""
        blank = domain.blank_status(choices, blank_policy=self.vote.blank_ballot_policy)
        if blank is not None:
            return blank
        return domain.INVALID if self.over_limit(choices) else domain.VALID

    def invalid_marks(self, candidates: int) -> str:
        """The marks stored for a ballot that is invalid as a whole (no mark read)."""
        return domain.NO_MARK * self.length(candidates)

    # -- paper entry ----------------------------------------------------------------------

    def paper_digits(self) -> dict[str, str]:
        return domain.digits_for(self.marks(), self.digits)

    def parse_paper_keys(self, keys: str, *, candidates: int) -> tuple[str, str, bool]:
        """A teller's keys for one ballot → (marks, status override, doubtful); a typing
        mistake is a ``ValidationError`` saying what to type."""
        length = self.length(candidates)
        try:
            return domain.parse_keys(keys, digits=self.paper_digits(), length=length)
        except domain.VoteRuleError as exc:
            raise ValidationError(self.paper_keys_refusal % {"count": length}) from exc

    def paper_help(self, candidates: int) -> str:
        raise NotImplementedError

    # -- the count ------------------------------------------------------------------------

    def tally(self, candidates: int):
        """The box counted: returned, valid, invalid, blank and the kind's own figures."""
        raise NotImplementedError

    def base(self, tally, headcount) -> int:
        raise NotImplementedError

    def decide(self, tally, base: int) -> Outcome:
        return Outcome()

    def stored_results(self, result, candidates, tally, outcome: Outcome, *, valid: bool):
        """The result rows to store beside ``result`` (``result_model`` instances)."""
        raise NotImplementedError

    def audit_action(self, action: str) -> AuditAction:
        from .machine import AUDITED

        return self.audit_overrides.get(action) or AUDITED[action]

    # -- pages ----------------------------------------------------------------------------

    def description(self) -> str:
        """What the console says the vote is, beside its title."""
        raise NotImplementedError

    def rule_note(self, candidates: int) -> str:
        """The console's one line on what makes a ballot count."""
        raise NotImplementedError

    def ballot_intro(self, candidates: int) -> str:
        """The deputy's one line at the top of the electronic ballot."""
        raise NotImplementedError

    def approval_limit_shown(self, candidates: int) -> int | None:
        """The 赞成 limit the ballot counts down against (None: no limit to show)."""
        return None

    # Whether each candidate on the ballot shows supervision's evidence (how it went).
    shows_evidence = False

    def results_context(self, result) -> dict:
        """What the results pages show of a stored result: ``rows`` (and the kind's totals)."""
        raise NotImplementedError

    def display_rows(self, result) -> list:
        """The rows the hall display shows once the result is published."""
        raise NotImplementedError

    def choices_offered(self) -> list[tuple[str, str, str]]:
        """(mark, label, colour) of the buttons on the electronic ballot."""
        raise NotImplementedError

    # -- what follows ---------------------------------------------------------------------

    def set_up_again(self, *, actor) -> Vote:
        """A new vote of the same kind, candidates, rules and title (the paper re-vote)."""
        raise NotImplementedError


class ProjectVote(BallotKind):
    """票决: 赞成 / 反对 / 弃权 per candidate, at most ``slots`` approvals in 差额 and 等额
    (B1), passing on more than half of the pass base (P1), elected by rank (P2–P4)."""

    code = VoteKind.PROJECTS
    label = VoteKind.PROJECTS.label
    digits = domain.PAPER_DIGITS
    result_model = CandidateResult
    results_template = "voting/_results_table.html"
    display_template = "voting/_display_results.html"
    results_title = _("Results")
    candidates_heading = _("Candidate projects on the ballot")
    paper_keys_refusal = _(
        "Type one digit per candidate (%(count)s): 1 for, 2 against, 3 abstain, 0 no mark, "
        "9 unreadable; or X for an invalid ballot, B for a blank one."
    )

    def marks(self) -> frozenset[str]:
        return domain.MARKS

    def length(self, candidates: int) -> int:
        return candidates

    def over_limit(self, choices: str) -> bool:
        return domain.over_approval_limit(choices, mode=self.vote.mode, slots=self.vote.slots)

    def approval_limit(self, candidates: int) -> int:
        return domain.approval_limit(
            mode=self.vote.mode, slots=self.vote.slots, candidates=candidates
        )

    def paper_help(self, candidates: int) -> str:
        return ngettext(
            "One digit for the candidate: 1 for · 2 against · 3 abstain · 0 no mark · "
            "9 unreadable.",
            "One digit per candidate (%(n)s): 1 for · 2 against · 3 abstain · 0 no mark · "
            "9 unreadable.",
            candidates,
        ) % {"n": candidates}

    def tally(self, candidates: int) -> domain.Tally:
        from .selectors import tally_from_database  # one aggregate query, no ballot leaves

        return tally_from_database(self.vote, candidates)

    def base(self, tally, headcount) -> int:
        return domain.pass_base_count(
            self.vote.pass_base,
            in_office=headcount.due,
            due=headcount.due,
            present=headcount.present,
        )

    def decide(self, tally, base: int) -> Outcome:
        decision = domain.decide(tally.yes, slots=self.vote.slots, base=base, mode=self.vote.mode)
        return Outcome(tied=bool(decision.tied), shortfall=decision.shortfall, decision=decision)

    def stored_results(self, result, candidates, tally, outcome: Outcome, *, valid: bool):
        decision = outcome.decision
        return [
            CandidateResult(
                vote_result=result,
                candidate=c,
                yes=tally.yes[i],
                no=tally.no[i],
                abstain=tally.abstain[i],
                passed=i in decision.passed,
                elected=valid and i in decision.elected,
                tied=valid and i in decision.tied,
                rank=decision.ranks[i],
            )
            for i, c in enumerate(candidates)
        ]

    def description(self) -> str:
        return self.vote.get_mode_display()

    def ballot_intro(self, candidates: int) -> str:
        if self.vote.mode == domain.ITEMIZED:
            return str(_("Vote for, against or abstain on each item; there is no limit."))
        return str(
            _(
                "Mark 赞成 (for) for at most %(limit)s candidates. A candidate you leave "
                "unmarked counts as an abstention."
            )
        ) % {"limit": self.approval_limit(candidates)}

    def approval_limit_shown(self, candidates: int) -> int | None:
        if self.vote.mode == domain.ITEMIZED:
            return None
        return self.approval_limit(candidates)

    def rule_note(self, candidates: int) -> str:
        if self.vote.mode == domain.ITEMIZED:
            return str(_("Item by item: no limit on approvals."))
        return str(_("A ballot approving more than %(limit)s candidates is invalid.")) % {
            "limit": self.approval_limit(candidates)
        }

    def results_context(self, result) -> dict:
        return {
            "rows": [
                {"cr": cr, "share": domain.yes_share(cr.yes, pass_base=result.pass_base_count)}
                for cr in result.candidates.select_related("candidate")
            ]
        }

    def display_rows(self, result) -> list:
        return sorted(
            result.candidates.select_related("candidate"),
            key=lambda cr: (cr.rank or 10**6, cr.candidate.position),
        )

    def choices_offered(self) -> list[tuple[str, str, str]]:
        return [
            (domain.YES, str(_("For (赞成)")), "success"),
            (domain.NO, str(_("Against (反对)")), "danger"),
            (domain.ABSTAIN, str(_("Abstain (弃权)")), "secondary"),
        ]

    def set_up_again(self, *, actor) -> Vote:
        from .services.setup import vote_create

        vote = self.vote
        return vote_create(
            actor=actor, session=vote.session, candidate_list=vote.candidate_list, title=vote.title
        )


class SatisfactionEvaluation(BallotKind):
    """满意度测评: 满意 / 基本满意 / 不满意 (and 弃权 when allowed) per project, then per project
    and sub-item; graded on the rules' base (E2), rates over ballots returned (E3)."""

    code = VoteKind.EVALUATION
    label = VoteKind.EVALUATION.label
    digits = domain.EVALUATION_DIGITS
    result_model = EvaluationResult
    results_template = "voting/_evaluation_table.html"
    display_template = "voting/_display_grades.html"
    results_title = _("Evaluation results")
    candidates_heading = _("Projects evaluated")
    paper_keys_refusal = _(
        "Type one digit per mark (%(count)s): 1 satisfied, 2 basically satisfied, "
        "3 unsatisfied, 0 no mark, 9 unreadable; or X for an invalid ballot, B for a "
        "blank one."
    )
    audit_overrides = {
        "count": AuditAction.EVALUATION_COUNT,
        "void": AuditAction.EVALUATION_COUNT,
    }

    @cached_property
    def rules(self) -> EvaluationRules:
        return EvaluationRules.from_json(self.vote.evaluation_rules)

    @property
    def sub_items(self) -> tuple[str, ...]:
        return self.rules.sub_items

    def marks(self) -> frozenset[str]:
        return self.rules.marks()

    def length(self, candidates: int) -> int:
        return self.rules.ballot_length(candidates)

    def paper_help(self, candidates: int) -> str:
        return str(
            _(
                "One digit per project (then per project and sub-item): 1 satisfied · "
                "2 basically satisfied · 3 unsatisfied · 0 no mark · 9 unreadable."
            )
        )

    def tally(self, candidates: int) -> domain.EvaluationTally:
        return domain.tally_evaluation(
            Ballot.objects.filter(vote=self.vote).values_list("choices", "status"),
            projects=candidates,
            sub_items=len(self.sub_items),
        )

    def base(self, tally, headcount) -> int:
        return self.rules.grade_base_count(
            returned=tally.returned,
            valid=tally.valid,
            present=headcount.present,
            in_office=headcount.due,
        )

    def stored_results(self, result, candidates, tally, outcome: Outcome, *, valid: bool):
        base = result.pass_base_count
        rows = []
        for i, c in enumerate(candidates):
            counts = tally.projects[i]
            grade = self.rules.grade(
                satisfied=counts["satisfied"], basic=counts["basic"], base=base
            )
            rows.append(
                EvaluationResult(
                    vote_result=result,
                    candidate=c,
                    satisfied=counts["satisfied"],
                    basic=counts["basic"],
                    unsatisfied=counts["unsatisfied"],
                    abstain=counts["abstain"],
                    grade=(grade or "") if valid else "",
                    sub_items={
                        name: tally.sub_items[i][k] for k, name in enumerate(self.sub_items)
                    },
                )
            )
        return rows

    def description(self) -> str:
        return self.vote.get_kind_display()

    shows_evidence = True

    def ballot_intro(self, candidates: int) -> str:
        return str(
            _(
                "Rate each project: 满意, 基本满意 or 不满意. A project you leave unmarked "
                "counts as an abstention."
            )
        )

    def rule_note(self, candidates: int) -> str:
        return str(_("Each project is rated 满意, 基本满意 or 不满意."))

    def results_context(self, result) -> dict:
        returned = result.returned
        rows, totals = [], []
        for ev in result.evaluations.select_related("candidate"):
            totals.append({"satisfied": ev.satisfied, "basic": ev.basic})
            rows.append(
                {
                    "ev": ev,
                    "satisfied_rate": domain.percent_2dp(ev.satisfied, returned),
                    "both_rate": domain.percent_2dp(ev.satisfied + ev.basic, returned),
                    "sub_items": [
                        (name, c, domain.percent_2dp(c["satisfied"] + c["basic"], returned))
                        for name, c in ev.sub_items.items()
                    ],
                }
            )
        overall = domain.overall_rates(totals, returned=returned) if totals else ("—", "—")
        return {"rows": rows, "overall": overall}

    def display_rows(self, result) -> list:
        return list(result.evaluations.select_related("candidate").order_by("candidate__position"))

    def choices_offered(self) -> list[tuple[str, str, str]]:
        offered = [
            (domain.SATISFIED, str(_("Satisfied (满意)")), "success"),
            (domain.BASIC, str(_("Basically satisfied (基本满意)")), "primary"),
            (domain.UNSATISFIED, str(_("Unsatisfied (不满意)")), "danger"),
        ]
        if self.rules.allows_abstain:
            offered.append((domain.ABSTAIN, str(_("Abstain (弃权)")), "secondary"))
        return offered

    def set_up_again(self, *, actor) -> Vote:
        from .services.setup import evaluation_create

        vote = self.vote
        return evaluation_create(
            actor=actor, session=vote.session, plan=vote.plan, title=vote.title
        )


KINDS: dict[str, type[BallotKind]] = {
    VoteKind.PROJECTS: ProjectVote,
    VoteKind.EVALUATION: SatisfactionEvaluation,
}


def kind_of(vote: Vote) -> BallotKind:
    """The vote's kind, bound to it (the one place that reads ``vote.kind``)."""
    return KINDS[vote.kind](vote)
