"""python manage.py recompute_scores: recompute every relationship score.

With a broker configured the work is split in chunks and queued for the workers (add --here to
do it in this process instead); without one it runs here. Running it twice gives the same scores.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from core.queue import enqueue
from relationships.scoring import recompute


class Command(BaseCommand):
    help = "Recompute all relationship scores (queued for the workers when a broker is set)."

    def add_arguments(self, parser):
        parser.add_argument("--here", action="store_true", help="Run here, not on the workers.")
        parser.add_argument("--chunk", type=int, default=200, help="Accounts per chunk.")

    def handle(self, *args, here, chunk, **options):
        chunks = recompute.account_chunks(chunk)
        accounts = sum(len(c) for c in chunks)
        if settings.CELERY_BROKER_URL and not here:
            queued = sum(enqueue("scores.recompute_accounts", account_ids=c) for c in chunks)
            self.stdout.write(f"Queued {queued} chunks ({accounts:,} accounts) for the workers.")
            return
        with tqdm(total=accounts, unit="account", disable=not chunks) as progress:
            for ids in chunks:
                recompute.scores_recompute(account_ids=ids)
                progress.update(len(ids))
        self.stdout.write(self.style.SUCCESS(f"Recomputed the scores of {accounts:,} accounts."))
