"""The feelings of the answers given so far, written where the score and the gap voice now read
them (relationships' stated feelings), so that no score or gap changes with the move."""

from itertools import batched

from django.db import migrations

BATCH = 2000


def answers_to_stated_feelings(apps, schema_editor):
    answer = apps.get_model("surveys", "Answer")
    stated_feeling = apps.get_model("relationships", "StatedFeeling")
    rows = (
        answer.objects.filter(feeling__isnull=False)
        .order_by("pk")
        .values_list("account_id", "stakeholder_id", "answered_on", "feeling")
    )
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        stated_feeling.objects.bulk_create(
            stated_feeling(
                account_id=account_id,
                stakeholder_id=stakeholder_id,
                stated_on=answered_on,
                feeling=feeling,
            )
            for account_id, stakeholder_id, answered_on, feeling in batch
        )


def stated_feelings_forgotten(apps, schema_editor):
    apps.get_model("relationships", "StatedFeeling").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0014_stated_feelings"),
        ("surveys", "0006_outbox_moves_to_core"),
    ]

    operations = [migrations.RunPython(answers_to_stated_feelings, stated_feelings_forgotten)]
