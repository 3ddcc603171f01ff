from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = "Creator catalogue"

    def ready(self) -> None:
        # Imported here: models are not loaded when this module is (the kinds import them).
        from creators import signals
        from creators.importing.kinds import BUILTIN_KINDS
        from creators.importing.registry import register

        signals.connect()
        for spec in BUILTIN_KINDS:
            register(spec)
