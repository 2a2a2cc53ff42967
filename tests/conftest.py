import sys
from pathlib import Path

import pytest

# tests/envguard.py: no test leaves a GONGKAI_* variable changed for the tests after it.
pytest_plugins = ["pytester", "tests.envguard"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# scripts/: the helpers the bench scripts, the smoke pass and the tests share (serverproc: a
# ``gongkai serve`` child process; proctree: the processes below one), standard library only
if str(ROOT / "scripts") not in sys.path:
    sys.path.append(str(ROOT / "scripts"))


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster (tests/register/pg_cluster.py), one a test process.  No skip:
    scripts/setup.sh installs PostgreSQL, so a missing server is a failure to see."""
    from tests.register.pg_cluster import Cluster

    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """A fresh, empty PostgreSQL database."""
    return pg_cluster.new_database()


@pytest.fixture(autouse=True)
def _collector_as_found():
    """A command run in process (``cli.main``: parse and check freeze the garbage collector's
    view of the start-up, ``cli.jobs.settle``) must not leave the test process's objects frozen:
    they would never be collected, and native bindings complain of leaks at the exit."""
    yield
    import gc

    gc.unfreeze()
    gc.enable()


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


def seed(prefix: str) -> Path:
    """examples/000_….txt by its number."""
    return next(EXAMPLES.glob(f"{prefix}_*.txt"))


# -- the end of the run ------------------------------------------------------------------------
# CI once timed out after the summary line ("589 passed") had been printed: something kept the
# test process from exiting.  At the end of the run, name what is still running (threads that
# block interpreter exit, child processes that hold CI's output pipe), stop leftover children,
# and if the interpreter has still not exited a minute later, print every thread's stack and
# exit with the tests' own status, so that the cause is in CI's output instead of a timeout.

EXIT_GRACE_SECONDS = 60
_MULTIPROCESSING_HELPERS = (b"multiprocessing.forkserver", b"multiprocessing.resource_tracker")
_session = {"status": 0}


def pytest_sessionfinish(session, exitstatus):
    _session["status"] = int(exitstatus)


def pytest_unconfigure(config):
    import faulthandler
    import os
    import signal
    import threading
    import time

    import proctree

    err = sys.__stderr__
    blocking = [t.name for t in threading.enumerate()
                if t is not threading.main_thread() and t.is_alive() and not t.daemon]
    if blocking:
        err.write(f"\nconftest: threads still running after the tests: {', '.join(blocking)}\n")
    stats = proctree.processes()
    for pid in proctree.descendants(os.getpid(), stats):
        if stats[pid][0] == "Z":
            continue  # a zombie holds no pipe
        cmdline = proctree.command_line(pid)
        if any(h in cmdline for h in _MULTIPROCESSING_HELPERS):
            continue  # they end by themselves when this process exits
        err.write(f"conftest: child process left running, killed: {pid} {cmdline[:160]!r}\n")
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    err.flush()

    def watchdog() -> None:
        time.sleep(EXIT_GRACE_SECONDS)
        err.write(f"\nconftest: the test process has not exited {EXIT_GRACE_SECONDS} s after the tests; "
                  "the stacks of its threads:\n")
        err.flush()
        faulthandler.dump_traceback(file=err, all_threads=True)
        err.flush()
        os._exit(_session["status"])

    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker of ``pytest -n``: it lives on until the controller ends it, which watches itself
    threading.Thread(target=watchdog, name="exit-watchdog", daemon=True).start()
