from django.core.management.base import BaseCommand, CommandError

from voting.models import Vote
from voting.services import box_digest_of


class Command(BaseCommand):
    help = "Check that a certified vote's stored ballots still match the certified digest."

    def add_arguments(self, parser):
        parser.add_argument("vote_id", type=int)

    def handle(self, *args, vote_id, **options):
        vote = Vote.objects.filter(pk=vote_id).first()
        if vote is None:
            raise CommandError(f"No vote {vote_id}.")
        if not vote.box_digest:
            raise CommandError(f"Vote {vote_id} has not been certified.")
        actual = box_digest_of(vote)
        if actual != vote.box_digest:
            raise CommandError(
                f"MISMATCH for vote {vote_id}: certified {vote.box_digest}, stored ballots "
                f"give {actual}."
            )
        self.stdout.write(self.style.SUCCESS(f"Vote {vote_id}: ballot box matches {actual}."))
