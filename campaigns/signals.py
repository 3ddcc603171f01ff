"""Every new roster entry gets its promo code and tracked link, however it was created (the
roster services, the demo seeder, the admin)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from campaigns import tracking
from campaigns.models import RosterEntry


@receiver(post_save, sender=RosterEntry, dispatch_uid="roster_entry_tracking")
def roster_entry_tracking(sender, instance: RosterEntry, created: bool, raw: bool = False, **kw):
    if created and not raw:
        tracking.provision(instance)
