"""Drop the single-column creator_id indexes of snapshots, posts and audience shares: each table's
unique constraint starts with creator_id and serves the same lookups (and the cascade). Every
import and seed wrote each row into one index more than it needed (measured: -3% profile import
time with its snapshots).

Only the indexes are dropped; Django's own AlterField would also drop and re-add the foreign
keys, which re-checks every row of the tables under an exclusive lock.
"""

import django.db.models.deletion
from django.db import migrations, models

# (model, related_name, Django's name for the index, table)
INDEXES = [
    (
        "audienceshare",
        "audience_shares",
        "creators_audienceshare_creator_id_33cca8f5",
        "creators_audienceshare",
    ),
    (
        "followersnapshot",
        "snapshots",
        "creators_followersnapshot_creator_id_c7500400",
        "creators_followersnapshot",
    ),
    ("post", "posts", "creators_post_creator_id_352d0a81", "creators_post"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0002_discovery_count_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="creator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name=related_name,
                        to="creators.creator",
                    ),
                )
                for model, related_name, _, _ in INDEXES
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("creator_id")',
                )
                for _, _, index, table in INDEXES
            ],
        )
    ]
