from django.core.management.base import BaseCommand

from congress.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo county (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        accounts = load_demo()
        notes = []
        try:
            from projects.demo import load_demo as load_projects_demo
        except ImportError:  # the projects stage has no demo data yet
            load_projects_demo = None
        if load_projects_demo is not None:
            load_projects_demo()
        from voting.demo import load_demo as load_voting_demo

        notes += load_voting_demo()
        try:
            from supervision.demo import load_demo as load_supervision_demo
        except ImportError:  # the supervision stage has no demo data yet
            load_supervision_demo = None
        if load_supervision_demo is not None:
            notes += load_supervision_demo()
        try:
            from reports.demo import load_demo as load_reports_demo
        except ImportError:  # the reports stage has no demo data yet
            load_reports_demo = None
        if load_reports_demo is not None:
            notes += load_reports_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in accounts:
            self.stdout.write(f"  {username:<20} {description}")
        for note in notes:
            self.stdout.write(f"  · {note}")
