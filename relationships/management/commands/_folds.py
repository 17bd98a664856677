"""What evaluate_scores and fit_scoring share: the folds and seed, and the labels they read."""

from django.core.management.base import BaseCommand, CommandError


class FoldsCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--folds", type=int, default=5, help="Folds of the cross-validation.")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the folds' shuffle.")

    def execute(self, *args, **options):
        if options.get("folds", 5) < 2:
            raise CommandError("--folds must be 2 or more.")
        return super().execute(*args, **options)

    def write_labels(self, labels) -> None:
        self.stdout.write(f"Labels: {labels.summary()}.")
        self.stdout.write(
            f"Naming every person the larger class would be right for "
            f"{labels.majority_share:.1%}: the accuracy to beat."
        )
