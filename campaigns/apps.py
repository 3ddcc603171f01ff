from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        # Register the "outcomes" and "orders" import kinds with the creators import machinery.
        # The tasks module is imported so that its tasks are registered in every process: the beat
        # schedule names flush_link_clicks.
        from campaigns import signals, tasks  # noqa: F401  (registers the receivers and tasks)
        from campaigns.conversions import importing as orders
        from campaigns.outcomes import importing
        from creators.importing.registry import register

        register(importing.KIND)
        register(orders.KIND)
