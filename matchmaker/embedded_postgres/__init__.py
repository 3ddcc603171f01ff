"""The embedded PostgreSQL used when DATABASE_URL is unset, and its Django database backend.

`server.py` runs and supervises the server under var/postgres/ (its docstring says how its
lifetime is shared by the checkout's processes); `clients.py` is the other side: the settings'
entry, each process's lease, starting a supervisor; `cli.py` status/stop/reset by hand; `base.py`
is the backend settings name as ENGINE: Django's PostgreSQL backend, which makes sure the server
runs before it connects.
"""
