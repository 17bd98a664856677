"""python manage.py evaluate_scores: how well the score in use tells strong from weak.

Prints the configuration in use's k-fold accuracy (at the best cut of the training folds) and
ROC AUC against the labels, and the calibration table (score band against the share of people
labelled strong), and stores them for the version: the admin shows the latest.
"""

from django.core.management.base import CommandError

from relationships.management.commands._folds import FoldsCommand
from relationships.scoring import evaluation
from relationships.scoring.fitting import calibration_lines, metrics_line


class Command(FoldsCommand):
    help = "Evaluate the scoring configuration in use against the labels, and store the result."

    def handle(self, *args, folds, seed, **options):
        try:
            result = evaluation.scores_evaluate(folds=folds, seed=seed)
        except evaluation.TooFewLabels as error:
            raise CommandError(str(error)) from error
        self.write_labels(result.labels)
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
