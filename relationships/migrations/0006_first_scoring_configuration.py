"""Version 1 of the scoring configuration: the defaults documented in docs/scoring.md."""

from django.db import migrations


def create_first_version(apps, schema_editor):
    ScoringConfiguration = apps.get_model("relationships", "ScoringConfiguration")
    if not ScoringConfiguration.objects.exists():
        ScoringConfiguration.objects.create(note="The defaults Rapport ships with.")


class Migration(migrations.Migration):
    dependencies = [("relationships", "0005_scores")]

    operations = [migrations.RunPython(create_first_version, migrations.RunPython.noop)]
