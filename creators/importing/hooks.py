"""What an import tells the apps built on the catalogue, which the catalogue does not import:
they connect their receivers from their AppConfig.ready() (scoring does)."""

from django.dispatch import Signal

# Sent by the followers kind inside the import's transaction, with creator_ids (a set): those
# creators' follower samples changed. Receivers queue their work on commit, so a failed import
# queues nothing.
audience_samples_changed = Signal()
