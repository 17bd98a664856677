from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Relationships"

    def ready(self):
        from accounts.history import register_history
        from relationships.activity import catalogs
        from relationships.people.history import STAKEHOLDER_HISTORY

        catalogs.connect()
        register_history(STAKEHOLDER_HISTORY)
