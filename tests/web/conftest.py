"""Every web test starts with no login failures on record: django-axes keeps them in the shared
test database, and a test that types wrong passwords from 127.0.0.1 must not lock the next one out."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_login_failures():
    yield
    from django.conf import settings

    if settings.configured and any(app == "axes" or app.endswith(".AxesConfig") for app in settings.INSTALLED_APPS):
        from axes.utils import reset

        reset()
