"""Template filters for the voting pages."""

from django import template

register = template.Library()


@register.filter
def by_rank(rows):
    """Result rows (``{"cr": CandidateResult, ...}``) ordered by rank, ties (which share a
    rank: 1, 1, 3) in ballot order; a row without a rank goes last."""
    return sorted(
        rows,
        key=lambda row: (
            row["cr"].rank is None,
            row["cr"].rank or 0,
            row["cr"].candidate.position,
        ),
    )
