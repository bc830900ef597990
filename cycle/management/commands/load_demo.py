from django.core.management.base import BaseCommand

from congress.demo import DEMO_PASSWORD
from congress.demo import load_demo as load_congress_demo
from projects.demo import load_demo as load_projects_demo
from reports.demo import load_demo as load_reports_demo
from stations.demo import load_demo as load_stations_demo
from supervision.demo import load_demo as load_supervision_demo
from voting.county_demo import load_county_demo as load_county_vote_demo
from voting.demo import load_demo as load_voting_demo


class Command(BaseCommand):
    help = "Load the demo county (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        # Each stage adds its part of the demo year, in the order of the cycle.
        accounts = load_congress_demo()
        load_projects_demo()
        notes = load_voting_demo()
        notes += load_county_vote_demo()  # 青山县's 13→10 plenary vote and its evaluation
        notes += load_supervision_demo()
        notes += load_reports_demo()
        notes += load_stations_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in accounts:
            self.stdout.write(f"  {username:<20} {description}")
        for note in notes:
            self.stdout.write(f"  · {note}")
