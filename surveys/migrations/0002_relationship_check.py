"""The default "relationship check" survey template."""

from django.db import migrations

QUESTIONS = [
    ("scale", "Overall, how happy are you with us?", "", True),
    ("nps", "How likely are you to recommend us to a colleague?", "0 = not at all, 10 = extremely likely.", True),
    ("trust", "Do you trust us to do what we say we will?", "", True),
    ("respect", "Do you feel we respect your goals, your time and your expertise?", "", True),
    (
        "moments",
        "Which of these moments mattered to you lately, and how did they feel?",
        "Pick only the ones that mattered.",
        False,
    ),
    ("text", "What should we start, stop or keep doing?", "Anything you tell us is read and answered.", False),
]  # fmt: skip


def create_template(apps, schema_editor):
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    Scale = apps.get_model("relationships", "Scale")
    template, created = SurveyTemplate.objects.get_or_create(
        slug="relationship-check",
        defaults={
            "name": "Relationship check",
            "intro": "A few questions about how working with us feels. It takes two minutes.",
        },
    )
    if not created:
        return
    happiness = Scale.objects.get(slug="happiness")
    for position, (kind, text, help_text, required) in enumerate(QUESTIONS, start=1):
        template.questions.create(
            position=position,
            kind=kind,
            text=text,
            help_text=help_text,
            required=required,
            scale=happiness if kind == "scale" else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("relationships", "0004_default_catalogs"),
    ]

    operations = [migrations.RunPython(create_template, migrations.RunPython.noop)]
