from django.core.management.base import BaseCommand, CommandError

from voting import sealing
from voting.models import SealedBallot, Vote
from voting.services import box_digest_of


class Command(BaseCommand):
    help = (
        "Check that a certified vote's stored ballots still match the certified digests: the "
        "sealed box as it stood at close, and the opened box as counted."
    )

    def add_arguments(self, parser):
        parser.add_argument("vote_id", type=int)

    def handle(self, *args, vote_id, **options):
        vote = Vote.objects.filter(pk=vote_id).first()
        if vote is None:
            raise CommandError(f"No vote {vote_id}.")
        if not vote.box_digest:
            raise CommandError(f"Vote {vote_id} has not been certified.")
        if vote.sealed_digest:
            sealed = sealing.sealed_box_digest(
                SealedBallot.objects.filter(vote=vote).values_list("blob", flat=True)
            )
            if sealed != vote.sealed_digest:
                raise CommandError(
                    f"MISMATCH for vote {vote_id}: the sealed box at close was "
                    f"{vote.sealed_digest}, the stored sealed ballots give {sealed}."
                )
            self.stdout.write(f"Vote {vote_id}: sealed box matches {sealed}.")
        actual = box_digest_of(vote)
        if actual != vote.box_digest:
            raise CommandError(
                f"MISMATCH for vote {vote_id}: certified {vote.box_digest}, stored ballots "
                f"give {actual}."
            )
        self.stdout.write(self.style.SUCCESS(f"Vote {vote_id}: ballot box matches {actual}."))
