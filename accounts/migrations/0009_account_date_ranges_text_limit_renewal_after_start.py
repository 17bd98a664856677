"""Dates in range (customer since from 2000 to today, a renewal up to 2099), notes up to 5,000
characters, and a renewal not before "customer since": a database constraint. A stored renewal
date before "customer since" is cleared first (which of the two was wrong is not known; the
account's history keeps the value)."""

import django.core.validators
from django.db import migrations, models
from django.db.models import F

import core.limits


def clear_renewals_before_start(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    Account.objects.filter(renewal_date__lt=F("customer_since")).update(renewal_date=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="customer_since",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("today")]
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="notes",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="renewal_date",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("planned")]
            ),
        ),
        migrations.AlterField(
            model_name="historicalaccount",
            name="customer_since",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("today")]
            ),
        ),
        migrations.AlterField(
            model_name="historicalaccount",
            name="notes",
            field=models.TextField(
                blank=True,
                help_text="Up to 5,000 characters.",
                max_length=5000,
                validators=[django.core.validators.MaxLengthValidator(5000)],
            ),
        ),
        migrations.AlterField(
            model_name="historicalaccount",
            name="renewal_date",
            field=models.DateField(
                blank=True, null=True, validators=[core.limits.DayRange("planned")]
            ),
        ),
        migrations.RunPython(clear_renewals_before_start, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("renewal_date__gte", models.F("customer_since")),
                    ("renewal_date__isnull", True),
                    ("customer_since__isnull", True),
                    _connector="OR",
                ),
                name="account_renewal_not_before_customer_since",
            ),
        ),
    ]
