"""Django settings.  Everything a site changes comes from the environment variables that
``gongkai.settings`` reads (the GONGKAI_WEB_* ones, GONGKAI_CORPUS_URL, GONGKAI_TODAY; the
table is docs/settings.md); ``gongkai serve`` sets some of them from its options.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from gongkai.errors import GongkaiError
from gongkai.files import private_dir, private_file, write_private
from gongkai.inputs import REPORT_SUFFIXES
from gongkai.settings import current

_SITE = current()


def _home() -> Path:
    return _SITE.web_home_dir()


def database_from_url(url: str | None, home: Path) -> dict:
    """Django's DATABASES['default'] for a sqlite:/// or postgresql:// URL."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(home / "web.sqlite3"),
                "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise GongkaiError(f"数据库地址“{url}”无效：SQLite 应写成 sqlite:///文件路径")
        if not path.startswith("/") and url.startswith("sqlite:////"):
            path = "/" + path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path,
                "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}}
    if parts.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        # connect_timeout: a server restarting (or a host not answering) is waited for 10 s, not for ever
        query = {"connect_timeout": "10", **{k: v[-1] for k, v in parse_qs(parts.query).items()}}
        # libpq accepts host (also a socket directory), port, user, dbname in the query too
        return {"ENGINE": "django.db.backends.postgresql",
                "NAME": query.pop("dbname", "") or unquote(parts.path.lstrip("/")),
                "USER": query.pop("user", "") or unquote(parts.username or ""),
                "PASSWORD": query.pop("password", "") or unquote(parts.password or ""),
                "HOST": query.pop("host", "") or unquote(parts.hostname or ""),
                "PORT": query.pop("port", "") or str(parts.port or ""), "OPTIONS": query,
                # a kept connection is checked before a request uses it: after PostgreSQL restarted,
                # the first request of each thread got a 500 for the dead connection
                "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    raise GongkaiError(f"数据库地址“{url}”无法识别：请用 sqlite:///文件路径 或 postgresql://用户:密码@主机/库名")


HOME = private_dir(_home())  # password hashes, sessions, registers: owner only (0700)
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    if _SITE.web_secret_key:
        return _SITE.web_secret_key
    path = HOME / "secret_key"
    if not path.exists() or not path.stat().st_size:
        write_private(path, secrets.token_urlsafe(50).encode())  # 0600 from creation
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = _SITE.web_debug
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *_SITE.web_hosts]

INSTALLED_APPS = [
    "gongkai.web.apps.WebConfig",  # first: its templates/admin/ override the admin's (phone CSS)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "gongkai.web.apps.AxesConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # an ETag on every GET and HEAD answer (a hash of its bytes), 304 Not Modified for a client that
    # has them, and a HEAD answer's body dropped (web/methods.py)
    "gongkai.web.methods.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gongkai.web.methods.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.web.auth.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.web.errors.FriendlyErrorsMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "gongkai.web.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "gongkai.web.access.nav_context",
    ], "builtins": ["gongkai.web.viewfilters"]},
}]
WSGI_APPLICATION = "gongkai.web.wsgi.application"
DATABASES = {"default": database_from_url(_SITE.web_db, HOME)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    private_file(DATABASES["default"]["NAME"])  # before Django's first connection creates it 0644
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"

# Login throttling: django-axes, kept in this database (so every server process shares it).
# An account is locked after AXES_FAILURE_LIMIT wrong passwords from anywhere, and an address after
# as many failures whatever the names tried (password spraying), for AXES_COOLOFF_TIME.  The login
# view serialises attempts on the account and the address (views_main.LoginView), so concurrent
# wrong passwords cannot all be checked before the lock is recorded.
# (loginguard.AxesBackend is axes' own, telling the log an attempt was refused while locked out)
AUTHENTICATION_BACKENDS = ["gongkai.web.loginguard.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gongkai.web.views_main.locked_out"
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# One language: every page, message and the admin in Chinese, whatever the browser asks for (no
# LocaleMiddleware: negotiating a language cost a tenth of the server's work on an API call).
LANGUAGE_CODE = "zh-hans"
# Chinese for what Django's and django-axes' own catalogs leave in English in the admin.
LOCALE_PATHS = [str(Path(__file__).resolve().parent / "locale")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(HOME / "static")

# Behind an HTTPS reverse proxy: GONGKAI_WEB_SECURE=1 (secure cookies, HSTS, the proxy's
# X-Forwarded-Proto) and GONGKAI_WEB_ORIGINS=https://gongkai.example.gov.cn (CSRF trusted origins).
if _SITE.web_secure:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 3600
CSRF_TRUSTED_ORIGINS = list(_SITE.web_origins)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

MAX_UPLOAD_MB = _SITE.web_max_upload_mb
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 50
UPLOAD_SUFFIXES = tuple(sorted(REPORT_SUFFIXES))  # every form the one loader reads (gongkai.inputs)

CORPUS_URL = _SITE.corpus_url
REGISTER_DIR = HOME / "registers"
REGISTER_SETTINGS = _SITE.register_settings_path()  # the office's register settings file (letters)
LETTER_TEMPLATES = _SITE.letter_templates_dir()    # the site's letter templates; a body's own in body-<id>/
DISCLOSURE_VOCAB = _SITE.disclosure_vocab_path()   # the site's words of the proactive-disclosure log
TODAY = _SITE.today.isoformat() if _SITE.today else None  # fixed date (tests, demonstrations)

LOGGING = {
    "version": 1, "disable_existing_loggers": False,
    "filters": {"axes_in_chinese": {"()": "gongkai.web.logs.AxesInChinese"},
                "database_gone": {"()": "gongkai.web.logs.DatabaseGoneInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["database_gone"]},
                 "axes": {"class": "logging.StreamHandler", "filters": ["axes_in_chinese"]}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"},
                # wrong passwords and lockouts in Chinese; its routine INFO lines quiet (web/logs.py)
                "axes": {"handlers": ["axes"], "level": "WARNING", "propagate": False}},
}
CSRF_FAILURE_VIEW = "gongkai.web.errors.csrf_failure"
