from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "capture"
    verbose_name = "Mail and calendar capture"
