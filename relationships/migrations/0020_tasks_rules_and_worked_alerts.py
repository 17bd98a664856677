# Tasks and task rules; how people work an alert (assigned, snoozed, dismissed), kept by the
# recompute; a playbook step's due_in_days. Data: the playbook steps stored so far are spread
# over the weeks after a case opens (2, 7, 14, 21 days, then a week more each), and the two
# example rules of docs/tasks.md are written inactive (an admin turns them on).

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import core.limits

SPREAD = [2, 7, 14, 21]
EXAMPLE_RULES = [
    {
        "name": "Champion left",
        "trigger": "champion_left",
        "title_template": "Find a new champion at {account}",
        "due_in_days": 14,
        "priority": "high",
    },
    {
        "name": "Detractor answer",
        "trigger": "survey.detractor",
        "title_template": "Call {stakeholder} at {account} about their survey answer",
        "due_in_days": 2,
        "priority": "high",
    },
]


def spread_steps(apps, schema_editor):
    PlaybookStep = apps.get_model("relationships", "PlaybookStep")
    rank: dict[int, int] = {}
    for step in PlaybookStep.objects.order_by("playbook_id", "position", "pk"):
        i = rank.get(step.playbook_id, 0)
        rank[step.playbook_id] = i + 1
        step.due_in_days = SPREAD[i] if i < len(SPREAD) else min(365, 7 * (i + 1))
        step.save(update_fields=["due_in_days"])


def example_rules(apps, schema_editor):
    TaskRule = apps.get_model("relationships", "TaskRule")
    for rule in EXAMPLE_RULES:
        TaskRule.objects.get_or_create(name=rule["name"], defaults={**rule, "active": False})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_task_digest"),
        ("relationships", "0019_activity_updated_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalTask",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "alert_key",
                    models.CharField(
                        blank=True,
                        help_text="The alert of the account it is about, by its key (alerts are rewritten by every recompute; their keys stay).",
                        max_length=60,
                    ),
                ),
                ("due_on", models.DateField(validators=[core.limits.DayRange("planned")])),
                (
                    "priority",
                    models.CharField(
                        choices=[("low", "Low"), ("normal", "Normal"), ("high", "High")],
                        default="normal",
                        max_length=10,
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("done", "Done"),
                            ("snoozed", "Snoozed"),
                            ("dismissed", "Dismissed"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                (
                    "snoozed_until",
                    models.DateField(
                        blank=True, null=True, validators=[core.limits.DayRange("planned")]
                    ),
                ),
                ("dismissed_reason", models.CharField(blank=True, max_length=500)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("manual", "Created by hand"),
                            ("playbook", "A playbook step of a gap case"),
                            ("rule", "A task rule"),
                        ],
                        default="manual",
                        max_length=10,
                    ),
                ),
                (
                    "source_key",
                    models.CharField(
                        blank=True, help_text="What a rule made it of: event:<id>.", max_length=80
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical task",
                "verbose_name_plural": "historical tasks",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Task",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "alert_key",
                    models.CharField(
                        blank=True,
                        help_text="The alert of the account it is about, by its key (alerts are rewritten by every recompute; their keys stay).",
                        max_length=60,
                    ),
                ),
                ("due_on", models.DateField(validators=[core.limits.DayRange("planned")])),
                (
                    "priority",
                    models.CharField(
                        choices=[("low", "Low"), ("normal", "Normal"), ("high", "High")],
                        default="normal",
                        max_length=10,
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("done", "Done"),
                            ("snoozed", "Snoozed"),
                            ("dismissed", "Dismissed"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                (
                    "snoozed_until",
                    models.DateField(
                        blank=True, null=True, validators=[core.limits.DayRange("planned")]
                    ),
                ),
                ("dismissed_reason", models.CharField(blank=True, max_length=500)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("manual", "Created by hand"),
                            ("playbook", "A playbook step of a gap case"),
                            ("rule", "A task rule"),
                        ],
                        default="manual",
                        max_length=10,
                    ),
                ),
                (
                    "source_key",
                    models.CharField(
                        blank=True, help_text="What a rule made it of: event:<id>.", max_length=80
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["due_on", "pk"],
            },
        ),
        migrations.CreateModel(
            name="TaskRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True)),
                (
                    "trigger",
                    models.CharField(
                        choices=[
                            ("engagement_drop", "Alert: engagement dropped"),
                            ("sentiment_drop", "Alert: sentiment dropped"),
                            ("score_drop", "Alert: score dropped"),
                            ("champion_left", "Alert: champion left"),
                            ("survey.detractor", "Survey: a detractor answer (NPS 6 or less)"),
                            ("survey.answered", "Survey: any answer"),
                        ],
                        help_text="The alert raised by the recompute, or the event, that makes the task.",
                        max_length=40,
                    ),
                ),
                (
                    "title_template",
                    models.CharField(
                        help_text="The task's title; {account} and {stakeholder} are replaced by their names.",
                        max_length=200,
                        verbose_name="title",
                    ),
                ),
                (
                    "due_in_days",
                    models.PositiveSmallIntegerField(
                        default=7,
                        help_text="The task is due this many days after the alert or event.",
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[("low", "Low"), ("normal", "Normal"), ("high", "High")],
                        default="normal",
                        max_length=10,
                    ),
                ),
                ("active", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="alert",
            name="assigned_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="alerts_assigned",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="dismissed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="alert",
            name="dismissed_reason",
            field=models.CharField(blank=True, default="", max_length=500),
        ),
        migrations.AddField(
            model_name="alert",
            name="snoozed_until",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="playbookstep",
            name="due_in_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="The step's task is due this many days after the case opens.",
                validators=[django.core.validators.MaxValueValidator(365)],
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("dismissed_at__isnull", True),
                    models.Q(("dismissed_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="alert_dismissed_with_reason",
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.account",
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="gap_case",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="relationships.gapcase",
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="playbook_step",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="relationships.playbookstep",
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="stakeholder",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="relationships.stakeholder",
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tasks",
                to="accounts.account",
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="gap_case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="tasks",
                to="relationships.gapcase",
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tasks",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="playbook_step",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="relationships.playbookstep",
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="stakeholder",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="tasks",
                to="relationships.stakeholder",
            ),
        ),
        migrations.AddConstraint(
            model_name="taskrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_in_days__lte", 365)), name="task_rule_due_bounded"
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="rule",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="tasks",
                to="relationships.taskrule",
            ),
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="rule",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="relationships.taskrule",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["owner", "state", "due_on"], name="relationshi_owner_i_c35812_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["account", "state", "due_on"], name="relationshi_account_174bfd_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("snoozed_until__isnull", False), ("state", "snoozed")),
                    models.Q(
                        models.Q(("state", "snoozed"), _negated=True),
                        ("snoozed_until__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="task_snoozed_until_iff_snoozed",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "dismissed"), _negated=True),
                    models.Q(("dismissed_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="task_dismissed_with_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("completed_at__isnull", False), ("state", "done")),
                    models.Q(
                        models.Q(("state", "done"), _negated=True), ("completed_at__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="task_completed_at_iff_done",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(("title", ""), _negated=True), name="task_has_title"
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rule__isnull", False)),
                fields=("rule", "source_key"),
                name="task_one_per_rule_and_source",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.UniqueConstraint(
                condition=models.Q(("gap_case__isnull", False), ("playbook_step__isnull", False)),
                fields=("gap_case", "playbook_step"),
                name="task_one_per_case_and_step",
            ),
        ),
        migrations.RunPython(spread_steps, migrations.RunPython.noop),
        migrations.RunPython(example_rules, migrations.RunPython.noop),
    ]
