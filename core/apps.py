from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Plumbing"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core.db.changes import triggers_install

        post_migrate.connect(triggers_install, sender=self, dispatch_uid="page_change_triggers")
