from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        # Imported here: models are not loaded when this module is. The tasks module is imported
        # so that its tasks are registered in every process: other apps send them by name.
        from creators.importing.hooks import audience_samples_changed
        from scoring import import_receivers, tasks  # noqa: F401

        audience_samples_changed.connect(
            import_receivers.overlaps_enqueue_for_creators, dispatch_uid="scoring-overlaps"
        )
