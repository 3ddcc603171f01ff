from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        # Register the "outcomes" import kind with the creators import machinery; revoke API
        # tokens when their user's password changes or the account is deactivated.
        from campaigns import signals
        from campaigns.outcomes import importing
        from creators.importing.registry import register

        signals.connect()
        register(importing.KIND)
