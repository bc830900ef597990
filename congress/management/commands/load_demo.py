from django.core.management.base import BaseCommand

from congress.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo county (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in accounts:
            self.stdout.write(f"  {username:<20} {description}")
