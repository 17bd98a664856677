"""One open gap case per account (was: per account and class), and a closing margin under
the gap threshold. An account that has several open cases keeps the one that follows its
current gap (else its newest case); the others are dismissed, saying why. A configuration
whose threshold leaves no room for the default margin gets half its threshold."""

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

import django.core.validators
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OPEN_STATES = ("detected", "acknowledged", "investigating", "action_planned")


def one_open_case_per_account(apps, schema_editor):
    GapCase = apps.get_model("relationships", "GapCase")
    GapTransition = apps.get_model("relationships", "GapTransition")
    cases = defaultdict(list)
    for case in GapCase.objects.filter(state__in=OPEN_STATES).select_related("account"):
        cases[case.account_id].append(case)
    now = timezone.now()
    for open_cases in cases.values():
        open_cases.sort(
            key=lambda case: (
                case.gap_class == case.account.gap_class,
                not case.converged,
                case.opened_at,
                case.pk,
            ),
            reverse=True,
        )
        kept, *others = open_cases
        for case in others:
            reason = (
                "Closed when accounts came to have one open case: this account's gap is "
                f"followed in case {kept.pk}."
            )
            GapTransition.objects.create(
                case=case, from_state=case.state, to_state="dismissed", at=now, note=reason
            )
            case.state, case.closed_on, case.dismissed_reason = "dismissed", now.date(), reason
            case.state_changed_at, case.version = now, case.version + 1
            case.save()


def margins_under_thresholds(apps, schema_editor):
    ScoringConfiguration = apps.get_model("relationships", "ScoringConfiguration")
    for row in ScoringConfiguration.objects.filter(gap_threshold__lte=Decimal("0.20")):
        row.gap_close_margin = (row.gap_threshold / 2).quantize(Decimal("0.01"), ROUND_DOWN)
        row.save(update_fields=["gap_close_margin"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_version"),
        ("relationships", "0011_versions_and_gap_case_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="gapcase",
            name="gap_case_one_open_per_class",
        ),
        migrations.AddField(
            model_name="scoringconfiguration",
            name="gap_close_margin",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.20"),
                help_text="The factors agree again (a case's gap has closed) only once their spread is this far below the threshold, so a gap near the threshold does not flicker.",
                max_digits=3,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.01")),
                    django.core.validators.MaxValueValidator(2),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="gapcase",
            name="converged",
            field=models.BooleanField(
                default=False,
                help_text="The factors agree again (their spread fell below the threshold less the closing margin) and have not disagreed since: confirm the resolution.",
            ),
        ),
        migrations.AlterField(
            model_name="historicalgapcase",
            name="converged",
            field=models.BooleanField(
                default=False,
                help_text="The factors agree again (their spread fell below the threshold less the closing margin) and have not disagreed since: confirm the resolution.",
            ),
        ),
        migrations.RunPython(one_open_case_per_account, migrations.RunPython.noop),
        migrations.RunPython(margins_under_thresholds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="gapcase",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("state__in", ("detected", "acknowledged", "investigating", "action_planned"))
                ),
                fields=("account",),
                name="gap_case_one_open_per_account",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringconfiguration",
            constraint=models.CheckConstraint(
                condition=models.Q(("gap_close_margin__lt", models.F("gap_threshold"))),
                name="scoring_gap_close_margin_below_threshold",
                violation_error_message="The closing margin must be smaller than the gap threshold, or a gap could never close.",
            ),
        ),
    ]
