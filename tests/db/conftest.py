import importlib.util
from pathlib import Path

import pytest


def _cluster_class():
    path = Path(__file__).resolve().parent.parent / "register" / "pg_cluster.py"
    spec = importlib.util.spec_from_file_location("db_pg_cluster", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.Cluster


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = _cluster_class()()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request, tmp_path):
    """A new, empty database of either kind."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_cluster").new_database()
