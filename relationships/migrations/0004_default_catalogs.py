"""Default channels, touchpoints and moment types. Admins rename, reweight and extend them."""

from decimal import Decimal

from django.db import migrations

CHANNELS = [
    ("email", "Email", "0.30"),
    ("call", "Call", "0.60"),
    ("video", "Video", "0.60"),
    ("chat", "Chat / Slack", "0.70"),
    ("text", "Text / WhatsApp", "0.90"),
    ("in_person", "In person", "1.00"),
]
TOUCHPOINTS = [
    ("sales", "Sales"),
    ("service", "Service / support"),
    ("delivery", "Delivery"),
    ("packaging", "Packaging"),
    ("implementation", "Implementation"),
    ("billing", "Billing"),
]
MOMENT_TYPES = [
    ("onboarding_kickoff", "Onboarding kickoff", "implementation"),
    ("go_live", "Go-live", "implementation"),
    ("delivery_milestone", "Delivery milestone", "delivery"),
    ("first_invoice", "First invoice", "billing"),
    ("outage", "Outage", "service"),
    ("escalation", "Escalation", "service"),
    ("renewal_negotiation", "Renewal negotiation", "sales"),
    ("qbr", "Quarterly business review", "sales"),
]


def create_catalogs(apps, schema_editor):
    Channel = apps.get_model("relationships", "Channel")
    Touchpoint = apps.get_model("relationships", "Touchpoint")
    MomentType = apps.get_model("relationships", "MomentType")
    for slug, name, intimacy in CHANNELS:
        Channel.objects.get_or_create(
            slug=slug, defaults={"name": name, "intimacy": Decimal(intimacy)}
        )
    touchpoints = {
        slug: Touchpoint.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TOUCHPOINTS
    }
    for slug, name, touchpoint in MOMENT_TYPES:
        MomentType.objects.get_or_create(
            slug=slug, defaults={"name": name, "touchpoint": touchpoints[touchpoint]}
        )


class Migration(migrations.Migration):
    dependencies = [("relationships", "0003_activity")]

    operations = [migrations.RunPython(create_catalogs, migrations.RunPython.noop)]
