"""The arithmetic of the cycle's indicators: pure functions on plain values (no ORM, no
settings, no clock). Each ratio is computed in integers or Decimal, never floats, from a
numerator and a base that travel with it, so a total is the sum of its parts and its rate
is recomputed from the summed numerator and base, never averaged.

The as-of querying that feeds these lives in ``cycle/indicators.py``; 票决率 is voting's
(``voting.domain.yes_share_tenths``: 赞成 ÷ the vote's pass base, one decimal).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def rate(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """part ÷ whole as a percentage with two decimals, rounded half up (E3: 25/28 = 89.29);
    None when the whole is zero or unknown (shown as —). Decimal, never floats."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The indicators of one plan (a township's year) or of a total of plans, as of a date.

    Counts and sums are additive (a county's total is the sum of its townships); every rate
    is a property over an additive numerator and base. None means "no record" (—): no plan
    that year, or no record yet of that stage.
    """

    has_plan: bool = False
    # 项目建议数: suggestions of the township received in the plan's collection window (by
    # default the year before), plus those merged into a project put forward in the plan
    # (through merges), each counted once, received on or before the date.
    suggestions: int | None = None
    # 项目储备数: the township's reserve projects created on or before the date.
    reserve: int | None = None
    # 候选项目数: projects on the plan's candidate list, once the list is locked (the list
    # put to the congress), locked on or before the date.
    candidates: int | None = None
    # 票决通过数: candidates elected by a published project vote, published on or before
    # the date (voting.models.ELECTED_RESULT).
    elected: int | None = None
    # 计划投资 (万元): the investment of the elected candidates, as on the ballot.
    investment: Decimal | None = None
    # 完成进度: sum of the latest % complete reported by the date, over the elected projects
    # with a progress report by then (pc_n of them).
    pc_sum: int = 0
    pc_n: int = 0
    # 按期完成率: completed on or before the planned date ÷ projects due (planned date
    # passed) or completed, by the date.
    on_time_n: int = 0
    due_n: int = 0
    # 资金执行率: invested to date ÷ budget, over projects with a progress report by then.
    invested_sum: Decimal = Decimal("0")
    budget_sum: Decimal = Decimal("0")
    # 交办销号率: hand-over items closed ÷ items recorded, by the date (statuses by their
    # dated steps).
    closed_n: int = 0
    handovers_n: int = 0
    # 逾期交办事项: items awaiting the department past their deadline on the date.
    overdue: int | None = None
    # 满意率 / 基本满意率 (E3): 满意 (and 满意 + 基本满意) ÷ ballots returned, summed over
    # the plan's evaluations published by the date.
    satisfied: int | None = None
    basic: int | None = None
    returned: int | None = None
    supervised: bool = False

    ADDITIVE = (
        "suggestions",
        "reserve",
        "candidates",
        "elected",
        "investment",
        "overdue",
        "satisfied",
        "basic",
        "returned",
    )
    SUMS = (
        "pc_sum",
        "pc_n",
        "on_time_n",
        "due_n",
        "invested_sum",
        "budget_sum",
        "closed_n",
        "handovers_n",
    )

    @property
    def percent_complete(self) -> Decimal | None:
        """完成进度 (%): mean of the latest % complete, two decimals."""
        return rate(self.pc_sum, self.pc_n * 100) if self.pc_n else None

    @property
    def on_time_rate(self) -> Decimal | None:
        """按期完成率 (%): on time ÷ due or completed, two decimals."""
        return rate(self.on_time_n, self.due_n)

    @property
    def budget_execution(self) -> Decimal | None:
        """资金执行率 (%): invested ÷ budget over projects with progress, two decimals."""
        return rate(self.invested_sum, self.budget_sum) if self.pc_n else None

    @property
    def handover_closure(self) -> Decimal | None:
        """交办销号率 (%): closed ÷ all hand-over items, two decimals."""
        return rate(self.closed_n, self.handovers_n)

    @property
    def satisfaction(self) -> Decimal | None:
        """满意率 (%, E3): 满意 ÷ ballots returned, two decimals."""
        return rate(self.satisfied, self.returned)

    @property
    def satisfaction_basic(self) -> Decimal | None:
        """基本满意率 (%, E3): (满意 + 基本满意) ÷ ballots returned, two decimals."""
        if self.satisfied is None or self.basic is None:
            return None
        return rate(self.satisfied + self.basic, self.returned)

    def add(self, other: Figures) -> None:
        """Add another plan's figures (a county total, a trend year)."""
        for name in self.ADDITIVE:
            theirs = getattr(other, name)
            if theirs is not None:
                mine = getattr(self, name)
                setattr(self, name, theirs if mine is None else mine + theirs)
        for name in self.SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.has_plan = self.has_plan or other.has_plan
        self.supervised = self.supervised or other.supervised

    def add_evidence(self, evidence: dict) -> None:
        """Count one elected project's supervision evidence (supervision.selectors.
        projects_evidence, as of the same date)."""
        self.supervised = True
        if evidence["has_progress"]:
            self.pc_n += 1
            self.pc_sum += evidence["percent_complete"] or 0
            self.invested_sum += evidence["invested"] or 0
            self.budget_sum += evidence["budget"] or 0
        if evidence["due"]:
            self.due_n += 1
            self.on_time_n += bool(evidence["on_time"])
        self.handovers_n += evidence["handovers"]
        self.closed_n += evidence["closed_handovers"]
        self.overdue = (self.overdue or 0) + evidence["overdue_handovers"]

    def as_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in (
            "percent_complete",
            "on_time_rate",
            "budget_execution",
            "handover_closure",
            "satisfaction",
            "satisfaction_basic",
        ):
            out[name] = getattr(self, name)
        return out
