"""Shared set-up for the web tests: one Django configuration per test process (a temporary
data directory and SQLite database), a fresh body and clerk per test, a live server thread."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import serverproc  # scripts/ (on sys.path by tests/conftest.py): a free loopback port, as smoke.py takes one

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PASSWORD = "Gongkai-Test-2026!"
TODAY = "2026-03-10"

_HOME: str | None = None
_READY = False


def site_environ() -> dict[str, str]:
    """The environment the test site is configured from (its own home, corpus and settings file,
    today fixed).  Django reads it once, in ``django_ready``; it is set in os.environ only
    meanwhile: left set, it changed the date and files of every later test of the same process
    (tests/envguard.py fails a test that leaves a GONGKAI_* variable changed).  A child process
    that must reach the test site gets it in its environment."""
    global _HOME
    if _HOME is None:
        _HOME = tempfile.mkdtemp(prefix="gongkai-web-test-")
    return {"GONGKAI_WEB_HOME": _HOME, "GONGKAI_CORPUS_URL": str(Path(_HOME) / "corpus.sqlite3"),
            "GONGKAI_TODAY": TODAY, "GONGKAI_WEB_HOSTS": "testserver",
            # register settings, letter templates, log words: the shipped ones, never this machine's
            "GONGKAI_REGISTER_SETTINGS": str(Path(_HOME) / "no-site-settings.yaml"),
            "GONGKAI_LETTER_TEMPLATES": str(Path(_HOME) / "letters"),
            "GONGKAI_DISCLOSURE_VOCAB": str(Path(_HOME) / "no-site-vocab.yaml")}


def site_process_environ() -> dict[str, str]:
    """os.environ for a child process working on the test site (no GONGKAI_WEB_DB of the caller)."""
    env = {**os.environ, **site_environ()}
    env.pop("GONGKAI_WEB_DB", None)
    return env


def django_ready() -> None:
    """Configure Django once, in a temporary home, and migrate."""
    global _READY
    if not _READY:
        from gongkai.cli.serve import setup

        with pytest.MonkeyPatch.context() as patch:
            for name, value in site_environ().items():
                patch.setenv(name, value)
            patch.delenv("GONGKAI_WEB_DB", raising=False)
            setup(None)
        _READY = True


def home() -> Path:
    django_ready()
    return Path(_HOME or "")


@pytest.fixture(scope="session")
def django_env():
    django_ready()
    from django.conf import settings

    settings.TODAY = TODAY
    return settings


def make_body(name: str | None = None, region: str = "320812"):
    from gongkai.web.models import Body

    return Body.objects.create(name=name or f"测试机关{uuid.uuid4().hex[:8]}", region_code=region)


def make_user(role: str, body=None, region: str = "", username: str | None = None):
    """A user of ``role`` (``username``: a real-looking login for the pictures of the docs; unique
    in the test process)."""
    from gongkai.cli.serve import create_user

    return create_user(username or f"{role}-{uuid.uuid4().hex[:8]}", role, body.name if body else None, region or None,
                       password=PASSWORD)


@pytest.fixture
def world(django_env):
    """Two bodies in different cities, a clerk for each, a supervisor of the first city, an admin."""
    a = make_body(region="320812")      # 淮安市清江浦区
    b = make_body(region="320102")      # 南京市玄武区
    return {
        "a": a, "b": b,
        "clerk_a": make_user("clerk", a), "clerk_b": make_user("clerk", b),
        "supervisor": make_user("supervisor", region="320800"),
        "admin": make_user("admin"),
    }


def client_for(user):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    if user is not None:
        c.force_login(user)
    return c


class LiveServer:
    """waitress serving the app (gongkai's unless ``application`` is given) on loopback in a
    daemon thread; ``options``: more of waitress's adjustments."""

    CLOSE_SECONDS = 30.0

    def __init__(self, application=None, **options):
        from gongkai.cli.httpserver import create_server  # waitress as `gongkai serve` builds it

        if application is None:
            from gongkai.web.wsgi import application

        self.port = serverproc.free_port()
        # the loop's select timeout (1 s in `gongkai serve`) made long: a wake-up the loop missed
        # (cli/httpserver.py) hangs the test instead of passing unseen a second later
        self.server = create_server(application, host="127.0.0.1", port=self.port,
                                    **{"threads": 4, "asyncore_loop_timeout": 120, **options})
        self.thread = threading.Thread(target=self.server.run, daemon=True, name=f"waitress:{self.port}")
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop serving and wait for the loop's thread to end.  The sockets are closed by the loop's
        own thread, between two polls (a thunk given to waitress's trigger): closed from here while
        the loop was between listing its sockets and ``select()``, select raised EBADF in the
        daemon thread (PytestUnhandledThreadExceptionWarning, intermittently)."""
        from waitress import wasyncore

        if self.thread.is_alive():
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
            self.thread.join(self.CLOSE_SECONDS)
            assert not self.thread.is_alive(), f"waitress on port {self.port} did not stop"
        else:
            wasyncore.close_all(self.server._map)
        self.server.task_dispatcher.shutdown()


def seed(prefix: str) -> Path:
    return next(EXAMPLES.glob(f"{prefix}_*.txt"))


def synthetic_report(agency: str, year: int, published=None) -> str:
    """A 2021-format report text for ``agency`` and ``year``, signed ``published`` (a date or
    None): seed 004 with its body, years and date replaced.  Reads back with that agency, year
    and date (test_web_survey checks)."""
    import re

    text = seed("004").read_text(encoding="utf-8")
    date_text = f"{published.year}年{published.month}月{published.day}日" if published else ""
    text = text.replace("2025年1月14日", date_text)
    text = text.replace("吴忠市红寺堡区新庄集乡人民政府", agency).replace("红寺堡区新庄集乡", agency)
    return re.sub(r"2024(\s*年)", lambda m: f"{year}{m.group(1)}", text)


# -- browsers (Playwright driving Debian's chromium; never a browser download) ----------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--lang=zh-CN"]
# Screenshots go to a scratch folder; GONGKAI_SCREENSHOTS=docs/images refreshes the pictures of the docs.
IMAGES = Path(os.environ.get("GONGKAI_SCREENSHOTS") or Path(tempfile.gettempdir()) / "gongkai-screenshots")
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def live(django_env):
    """The app served by waitress on loopback, one per test module."""
    server = LiveServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module; each test opens its own context."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is required (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        yield b
        b.close()


def loopback_only(pg) -> list[str]:
    """The app needs nothing from the internet: requests off loopback are refused and listed."""
    blocked: list[str] = []
    pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "blob:", "data:"))
             else (blocked.append(route.request.url), route.abort()))
    return blocked


DESK = {"width": 1360, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def browser_page(browser, viewport: dict[str, int] = DESK, *, phone: bool = False, **options):
    """A page in a new browser context (Chinese, ``TIMEOUT_MS``): at a desk, or ``phone`` — a
    touch screen at 2× (the viewport PHONE unless given); requests off loopback are refused and,
    when the test ends well, asserted none; the context closed in any case.  ``options`` go to
    Playwright's ``new_context`` (``locale="en-US"``, ``accept_downloads=True``…)."""
    if phone:
        viewport = PHONE if viewport is DESK else viewport
        options = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True, **options}
    ctx = browser.new_context(viewport=viewport, **{"locale": "zh-CN", **options})
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        blocked = loopback_only(pg)
        yield pg
        assert not blocked, blocked
    finally:
        ctx.close()


def page_width(pg) -> int:
    """How wide the page lays out, as its visitor sees it: with its stylesheet.  After a click, a
    selector can appear before app.css has loaded, and an unstyled page is wider than a phone (seen
    in CI under load: a request's page 601 px on a 390 px phone)."""
    pg.wait_for_load_state("load")
    return max(pg.evaluate("[window.innerWidth, document.documentElement.scrollWidth]"))


def login(pg, live, user, admin: bool = False) -> None:
    """Sign ``user`` in on the site's login page (``admin``: the admin's own) as a person does."""
    pg.goto(f"{live.url}{'/admin/login/' if admin else '/login/'}")
    pg.fill("input[name=username]", user.username)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("input[type=submit]" if admin else "button[type=submit]")
    pg.wait_for_url(lambda url: "/login/" not in url)


@contextmanager
def office_settings(agency: str, review_body: str, court: str):
    """A site settings file naming a real office's letterhead and review bodies, in force while in
    use: the pictures of the docs show a configured office, not the placeholder warning (which
    would also show the test's temporary path)."""
    from django.conf import settings

    path = home() / f"register-{uuid.uuid4().hex[:8]}.yaml"
    path.write_text(f"agency: {agency}\nreview_body: {review_body}\ncourt: {court}\n", encoding="utf-8")
    old = settings.REGISTER_SETTINGS   # the web's settings file (read once from the environment)
    settings.REGISTER_SETTINGS = path
    try:
        yield path
    finally:
        settings.REGISTER_SETTINGS = old
        path.unlink()


@contextmanager
def corpus_of(folder: Path, paths: list[str]):
    """A corpus of its own (in ``folder``) holding ``paths``, as the web's corpus while in use."""
    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    old = settings.CORPUS_URL
    settings.CORPUS_URL = str(folder / "corpus.sqlite3")
    try:
        with Store(settings.CORPUS_URL) as store:
            summary = ingest(paths, store, workers=1)
            assert summary.added == len(paths) and not summary.failed, summary
        yield settings.CORPUS_URL
    finally:
        settings.CORPUS_URL = old


def huaian_reports(folder: Path, reports: list[tuple[str, object]], year: int) -> list[str]:
    """Write synthetic reports (agency, date signed) of ``year`` into ``folder``; their paths."""
    paths = []
    for name, signed in reports:
        path = folder / f"{name}{year}年政府信息公开工作年度报告.txt"  # as an office names it
        path.write_text(synthetic_report(name, year, signed), encoding="utf-8")
        paths.append(str(path))
    return paths
