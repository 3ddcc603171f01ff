"""Django's PostgreSQL backend for the embedded server: start it (if needed) before connecting.

Every new connection checks that the server is ready (a file test and a lock probe), so a
process whose server was stopped or killed under it starts a new one on its next connection.
"""

from pathlib import Path

from django.db.backends.postgresql import base

from matchmaker.embedded_postgres.clients import ensure_running
from matchmaker.embedded_postgres.server import Server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        ensure_running(Server(Path(self.settings_dict["EMBEDDED_DIR"])))
        return super().get_new_connection(conn_params)
