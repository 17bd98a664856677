from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    """Admin log entries and permissions of the feedback items keep pointing at them."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label="relationships", model="feedbackitem").exists():
        content_types.filter(app_label="surveys", model="feedbackitem").update(
            app_label="relationships"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0015_feedback_items_move_from_surveys"),
        ("surveys", "0007_stated_feelings_from_answers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # The feedback loop moved to relationships (FeedbackItem): the table, its rows and the answer
    # column stay as they are; the survey keeps only that column, as FeedbackSource (unmanaged,
    # on the same table). Only the state changes, and the content type follows the model.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FeedbackSource",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "surveys_feedbackitem",
                        "managed": False,
                    },
                ),
                migrations.RemoveConstraint(
                    model_name="feedbackitem",
                    name="feedback_acknowledged_after_received",
                ),
                migrations.RemoveConstraint(
                    model_name="feedbackitem",
                    name="feedback_acted_after_acknowledged",
                ),
                migrations.DeleteModel(
                    name="FeedbackItem",
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, migrations.RunPython.noop),
    ]
