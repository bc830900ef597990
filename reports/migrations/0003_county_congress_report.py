"""The county congress's own quarterly report (issue 17): a third kind, for a county and no
township, like the roll-up. The in-flight key already holds the kind, so a county's roll-up
and its congress's report may be produced at the same time."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_as_of_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="kind",
            field=models.CharField(
                choices=[
                    ("township", "Township quarterly report"),
                    ("county", "County roll-up"),
                    ("congress", "County congress quarterly report"),
                ],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="report",
            name="report_kind_matches_body",
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "township"), ("township__isnull", False)),
                    models.Q(("kind__in", ["county", "congress"]), ("township__isnull", True)),
                    _connector="OR",
                ),
                name="report_kind_matches_body",
            ),
        ),
    ]
