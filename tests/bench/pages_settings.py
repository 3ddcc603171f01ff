"""Settings for the page benchmark's gunicorn: production settings, but plain static storage.

The manifest storage needs `collectstatic`, which currently fails on vendor/chart.umd.js (it names
a source map that is not shipped); the benchmark measures page rendering, not static files.
"""

from matchmaker.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
