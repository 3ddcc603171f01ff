from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"

    def ready(self) -> None:
        # Revoke API tokens when their user's password changes or the account is deactivated.
        from tenancy import signals

        signals.connect()
