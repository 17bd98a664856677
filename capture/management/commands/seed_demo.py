"""python manage.py seed_demo: load the demo organisation (safe to run again)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from capture import demo


class Command(BaseCommand):
    help = "Load deterministic demo data. Running it again changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            demo.seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password: {DEMO_PASSWORD}):")
        )
        for email, full_name, role, team, _manages in DEMO_USERS:
            self.stdout.write(
                f"  {email:<26} {full_name} ({role.label}{', ' + team if team else ''})"
            )
