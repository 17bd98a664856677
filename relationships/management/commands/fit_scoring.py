"""python manage.py fit_scoring: fit the observed components' weights to the labels.

Prints the k-fold accuracy and ROC AUC of the fitted weights and of the current ones on the same
folds, and saves the fitted weights as a proposed scoring configuration version: nothing changes
until an admin adopts it (Admin > Scoring configurations > the version > Adopt).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from relationships.management.commands._folds import FoldsCommand
from relationships.scoring import evaluation
from relationships.scoring.fitting import calibration_lines, metrics_line


class Command(FoldsCommand):
    help = "Fit the observed components' weights to the labels; save them as a proposed version."

    def handle(self, *args, folds, seed, **options):
        try:
            fit = evaluation.scoring_fit(folds=folds, seed=seed)
        except (evaluation.TooFewLabels, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.write_labels(fit.labels)
        self.stdout.write(f"{folds}-fold cross-validation, the same folds for both:")
        self.stdout.write(metrics_line("current weights", fit.current))
        self.stdout.write(metrics_line("fitted weights", fit.fitted))
        self.stdout.write(
            "Fitted observed weights: "
            + ", ".join(f"{name} {weight:.2f}" for name, weight in fit.weights.items())
        )
        self.stdout.write("Calibration of the fitted weights (observed part of the score):")
        for line in calibration_lines(fit.calibration):
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved as {fit.proposed}, proposed and not in use: adopt it in the admin to "
                "use it (every score is then recomputed)."
            )
        )
