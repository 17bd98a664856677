"""python manage.py evaluate_scores: how well the score in use tells strong from weak.

Prints the configuration in use's k-fold accuracy (at the best cut of the training folds) and
ROC AUC against the labels, and the calibration table (score band against the share of people
labelled strong), and stores them for the version: the admin shows the latest.
"""

from django.core.management.base import BaseCommand, CommandError

from relationships.scoring import evaluation
from relationships.scoring.fitting import calibration_lines, metrics_line


class Command(BaseCommand):
    help = "Evaluate the scoring configuration in use against the labels, and store the result."

    def add_arguments(self, parser):
        parser.add_argument("--folds", type=int, default=5, help="Folds of the cross-validation.")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the folds' shuffle.")

    def handle(self, *args, folds, seed, **options):
        if folds < 2:
            raise CommandError("--folds must be 2 or more.")
        try:
            result = evaluation.scores_evaluate(folds=folds, seed=seed)
        except evaluation.TooFewLabels as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Labels: {result.labels.summary()}.")
        self.stdout.write(
            f"Naming every person the larger class would be right for "
            f"{result.labels.majority_share:.1%}: the accuracy to beat."
        )
        self.stdout.write(f"{folds}-fold cross-validation of the configuration in use:")
        self.stdout.write(metrics_line("current weights", result.current))
        self.stdout.write("Calibration (observed part of the score):")
        for line in calibration_lines(result.calibration):
            self.stdout.write(line)
        if result.stored is None:
            self.stdout.write("Not stored: no configuration version is saved (defaults in use).")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Stored for version {result.stored.configuration.pk}: the admin shows it."
                )
            )
