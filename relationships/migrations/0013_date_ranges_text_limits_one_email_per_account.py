"""Dates in range (what was logged from 2000 to today, due dates up to 2099), summaries and
notes up to 5,000 characters, and one person per email at an account (ignoring case and empty
emails): a database constraint. Where people of an account share an email, the first of them
(an active one before one who left) keeps it and the others' is cleared first; their history
keeps it."""

from itertools import batched

import django.core.validators
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import core.limits


def one_person_per_email(apps, schema_editor):
    Stakeholder = apps.get_model("relationships", "Stakeholder")
    people = Stakeholder.objects.exclude(email="").order_by("status", "pk")  # active < left
    taken, repeated = set(), []
    for pk, account, email in people.values_list("pk", "account_id", "email").iterator():
        key = (account, email.lower())
        if key in taken:
            repeated.append(pk)
        taken.add(key)
    for chunk in batched(repeated, 500):
        Stakeholder.objects.filter(pk__in=chunk).update(email="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_account_date_ranges_text_limit_renewal_after_start"),
        ("relationships", "0012_one_gap_case_per_account"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="competitorrating",
            name="rated_on",
            field=models.DateField(validators=[core.limits.DayRange("today")]),
        ),
        migrations.AlterField(
            model_name="gapcase",
            name="due_on",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("planned")]
            ),
        ),
        migrations.AlterField(
            model_name="gapcase",
            name="notes",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="historicalgapcase",
            name="due_on",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("planned")]
            ),
        ),
        migrations.AlterField(
            model_name="historicalgapcase",
            name="notes",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="historicalstakeholder",
            name="relationship_since",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("today")]
            ),
        ),
        migrations.AlterField(
            model_name="interaction",
            name="occurred_at",
            field=models.DateTimeField(validators=[core.limits.DayRange("now")]),
        ),
        migrations.AlterField(
            model_name="interaction",
            name="summary",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="moment",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="moment",
            name="occurred_on",
            field=models.DateField(validators=[core.limits.DayRange("today")]),
        ),
        migrations.AlterField(
            model_name="openitem",
            name="closed_on",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("today")]
            ),
        ),
        migrations.AlterField(
            model_name="openitem",
            name="due_on",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("planned")]
            ),
        ),
        migrations.AlterField(
            model_name="openitem",
            name="opened_on",
            field=models.DateField(validators=[core.limits.DayRange("today")]),
        ),
        migrations.AlterField(
            model_name="pulsecheck",
            name="checked_on",
            field=models.DateField(validators=[core.limits.DayRange("today")]),
        ),
        migrations.AlterField(
            model_name="pulsecheck",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="stakeholder",
            name="relationship_since",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("today")]
            ),
        ),
        migrations.RunPython(one_person_per_email, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="stakeholder",
            constraint=models.UniqueConstraint(
                models.F("account"),
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="stakeholder_email_unique_per_account",
            ),
        ),
    ]
