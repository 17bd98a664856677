# The time each activity row was last written, for the API's updated_since. Rows stored before
# this migration take the time it runs.

import django.utils.timezone
from django.db import migrations, models

MODELS = ["interaction", "openitem", "moment", "pulsecheck", "competitorrating"]


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0018_captured_interactions"),
    ]

    operations = [
        migrations.AddField(
            model_name=name,
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now
            ),
            preserve_default=False,
        )
        for name in MODELS
    ]
