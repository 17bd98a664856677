"""Default competitor dimensions (seed 002) and the quadrant settings row. Admins rename and
extend the dimensions; the slugs are what imports and the report use."""

from django.db import migrations

DIMENSIONS = [
    ("sales_relationship", "Sales relationship"),
    ("service", "Service"),
    ("delivery", "Delivery"),
    ("technology_integration", "Technology integration"),
    ("product", "Product"),
    ("value", "Value"),
]


def create_defaults(apps, schema_editor):
    CompetitorDimension = apps.get_model("relationships", "CompetitorDimension")
    QuadrantSettings = apps.get_model("relationships", "QuadrantSettings")
    for position, (slug, name) in enumerate(DIMENSIONS, start=1):
        CompetitorDimension.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    if not QuadrantSettings.objects.exists():
        QuadrantSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("relationships", "0008_quadrant_competitors")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
