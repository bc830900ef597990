from django.core.management.base import BaseCommand, CommandError

from voting.services import storage_rewrite


class Command(BaseCommand):
    help = (
        "Rewrite the files of the ballot, code and sealed-ballot tables (VACUUM FULL) so that "
        "no dead row version in casting order stays on disk. The count does this itself; run "
        "it when the console says the rewrite is pending."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=60.0)

    def handle(self, *args, wait, **options):
        if not storage_rewrite(wait=wait):
            raise CommandError("Not done: older transactions still run or a lock was not had.")
        self.stdout.write(self.style.SUCCESS("Ballot storage rewritten."))
