"""The Celery application. Settings come from Django settings prefixed CELERY_."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rapport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def one_core_per_process(**_kwargs) -> None:
    """A worker process's PostgreSQL sessions start no parallel workers of their own: the
    worker's processes already share the cores between them (the chunks of a full recompute),
    and a query's parallel workers would fight them for those cores."""
    from django.db import connections

    for alias in connections:
        if connections[alias].vendor == "postgresql":
            options = connections[alias].settings_dict.setdefault("OPTIONS", {})
            options["options"] = "-c max_parallel_workers_per_gather=0"
