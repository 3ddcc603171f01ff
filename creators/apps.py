from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = "Creator catalogue"

    def ready(self) -> None:
        # Imported here: models are not loaded when this module is (the kinds import them). The
        # tasks module is imported so that its tasks are registered in every process: the import
        # services and the stale-job check send run_import by name.
        from creators import signals, tasks  # noqa: F401
        from creators.importing.kinds import BUILTIN_KINDS
        from creators.importing.registry import register

        signals.connect()
        for spec in BUILTIN_KINDS:
            register(spec)
