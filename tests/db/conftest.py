import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request, tmp_path):
    """A new, empty database of either kind."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_cluster").new_database()
