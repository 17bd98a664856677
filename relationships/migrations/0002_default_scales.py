"""The two scales Rapport ships with: relationship strength and the happiness continuum."""

from django.db import migrations

SCALES = {
    "relationship": (
        "Relationship strength",
        "How strong our relationship with a person or an account is.",
        [
            (1, "No relationship", "We have not really met."),
            (2, "Introduced", "We know each other by name; little more."),
            (3, "Professional", "Responsive and professional, without a deeper connection."),
            (4, "Strong", "Quick, friendly communication; they see the value we bring."),
            (
                5,
                "Strong and personal",
                "Personal trust, private channels, value shown on both sides.",
            ),
        ],
    ),
    "happiness": (
        "Customer happiness",
        "The continuum from the customer who leaves at the first chance to the one who praises us to everyone.",
        [
            (1, "Walk-away angry", "Will move to a competitor as soon as they can."),
            (2, "Unhappy", "Disappointed; tells others about a poor experience."),
            (3, "Satisfied", "Gets what was promised, no more."),
            (4, "Happy", "Pleased with what we deliver and how."),
            (5, "Gushing promoter", "Feels we went beyond expectations and tells everyone."),
        ],
    ),
}


def create_scales(apps, schema_editor):
    Scale = apps.get_model("relationships", "Scale")
    ScalePoint = apps.get_model("relationships", "ScalePoint")
    for slug, (name, description, points) in SCALES.items():
        scale, _ = Scale.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        for value, label, point_description in points:
            ScalePoint.objects.get_or_create(
                scale=scale,
                value=value,
                defaults={"label": label, "description": point_description},
            )


class Migration(migrations.Migration):
    dependencies = [("relationships", "0001_initial")]

    operations = [migrations.RunPython(create_scales, migrations.RunPython.noop)]
