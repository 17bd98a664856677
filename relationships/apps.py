from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Relationships"

    def ready(self):
        from accounts.history import register_history
        from accounts.signals import account_changed
        from relationships.activity import catalogs
        from relationships.people.history import STAKEHOLDER_HISTORY

        catalogs.connect()
        register_history(STAKEHOLDER_HISTORY)
        account_changed.connect(scores_recompute_requested, dispatch_uid="account_changed")


def scores_recompute_requested(sender, *, account_ids, **kwargs) -> None:
    """Receiver of a change below relationships that the scores depend on: ask for these
    accounts' recompute once the change commits."""
    from relationships.scoring.recompute import recompute_request

    recompute_request(account_ids=account_ids)
