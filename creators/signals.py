"""Cache upkeep: the cached category choices go when a category is saved or deleted."""

from django.db.models.signals import post_delete, post_save

from creators.models import Category
from creators.selectors import forget_category_choices


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(
            forget_category_choices, sender=Category, dispatch_uid=f"categories-{signal}"
        )
