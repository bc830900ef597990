"""Indexes for the as-of reads of cycle/indicators.py (issue 14). Written as SQL here, in the
app that reads them, so the stage apps' models stay as they are; ``IF NOT EXISTS`` keeps the
migration safe on a database that already has them."""

from django.db import migrations

INDEXES = [
    # A hand-over item's status as of a date: its last step dated by then.
    ("supervision_ledgerevent", "ledgerevent_item_at", "(item_id, at DESC, id DESC)"),
    # A project's latest progress report as of a date.
    (
        "supervision_progressreport",
        "progress_project_reported",
        "(project_id, reported_on DESC, id DESC)",
    ),
    # A plan's published votes as of a date (elected candidates, evaluations).
    ("voting_vote", "vote_list_status_published", "(candidate_list_id, status, published_at)"),
    ("voting_vote", "vote_plan_status_published", "(plan_id, status, published_at)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("supervision", "0002_proximity_unplaced"),
        ("voting", "0003_codes_printings"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for table, name, columns in INDEXES
    ]
