"""The web's few statements that Django's ORM cannot express — the web's part of the database
layer, beside ``web/settings.py`` (its connection) and the ORM models.

- ``serialise_logins``: the lock that makes login attempts take turns (``views_main.LoginView``).
- ``create_schema``: a body's register schema on PostgreSQL (``registers.register_url``)."""

from __future__ import annotations


def serialise_logins(keys: list[str]) -> None:
    """Hold, until the end of the current transaction, a lock that every other login attempt on
    the same account or address must wait for (across server processes: it lives in the database).
    PostgreSQL: advisory locks on the keys.  SQLite: the database's write lock (an UPDATE that
    changes nothing takes it), so attempts take turns altogether."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for key in sorted(keys):
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        else:
            cur.execute("UPDATE axes_accessattempt SET id = id WHERE 0")


def create_schema(schema: str) -> None:
    """Create a PostgreSQL schema if it does not exist (``schema`` is a name the web made, e.g.
    ``register_body_3``, never a visitor's text)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
