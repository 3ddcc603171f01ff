from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = "Creator catalogue"

    def ready(self) -> None:
        from creators import signals

        signals.connect()
