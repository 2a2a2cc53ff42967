"""django-axes' backend (登录保护, first in AUTHENTICATION_BACKENDS), telling the server's log
whether it refused an attempt because the account or address was locked out (web/logs.py):
axes itself logs such an attempt as one more wrong password.  Kept apart from web/logs.py, which
the logging configuration imports before Django's apps (and axes') are loaded."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

from gongkai.web.logs import note_refusal


class AxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        note_refusal(False)
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            note_refusal(True)
            raise
