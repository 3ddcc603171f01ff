from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        # Register the "outcomes" import kind with the creators import machinery.
        from campaigns import signals  # noqa: F401  (registers the receivers)
        from campaigns.outcomes import importing
        from creators.importing.registry import register

        register(importing.KIND)
