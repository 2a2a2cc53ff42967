"""How every bench script measures and prints time: CPU time and wall time, the same way.

The machine these figures come from is shared and noisy, so:

- **CPU time** (user + system, of this process or of a finished child and everything it waited
  for) is the figure a target is judged by; wall time is printed beside it, as the user feels it.
- Workloads that are compared are measured in **alternating rounds** (``alternate``), so that a
  busy spell hits each of them alike, and **medians** are printed, with the range.
- A target is a **ratio to a floor measured in the same run** (``ratio``): ``python -c pass`` for
  start-up, pypdfium2's own text extraction for PDF reading, the in-process parse for the server.

Every script prints its lines through ``line`` (one workload) and ``ratio`` (two of them).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    cpu: float        # seconds of CPU time
    wall: float       # seconds of wall time
    peak_mb: float = 0.0  # peak resident memory of a child (0 when not measured)

    def per(self, n: float) -> Sample:
        """The sample for one of ``n`` items done in it."""
        return Sample(self.cpu / n, self.wall / n, self.peak_mb)


def measure(fn: Callable[[], object]) -> Sample:
    """CPU and wall time of ``fn()`` in this process."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return Sample(time.process_time() - cpu, time.perf_counter() - wall)


def repeat_for(fn: Callable[[], object], seconds: float) -> Sample:
    """Run ``fn`` again and again for about ``seconds`` of CPU; the sample of one run."""
    cpu, wall = time.process_time(), time.perf_counter()
    n = 0
    while True:
        fn()
        n += 1
        spent = time.process_time() - cpu
        if spent >= seconds:
            return Sample(spent / n, (time.perf_counter() - wall) / n)


# Linux carries a process's peak resident memory (ru_maxrss) across fork and exec: a child forked
# from this process starts with this process's peak, so wait4 alone over-reports a small child of
# a big parent.  GNU time forks the command from its own small process and reports the command's
# peak (%M): used when installed (Debian's "time" package), else the wait4 figure is printed.
GNU_TIME = "/usr/bin/time"


def child(cmd: Sequence[str], env: dict | None = None, cwd: str | None = None, check: bool = True,
          input: bytes | None = None, timeout: float = 600) -> tuple[Sample, subprocess.CompletedProcess]:
    """Run a command; its CPU time (it and every descendant it waited for), wall time and peak
    resident memory (its largest process)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="gongkai-bench-peak-") as peak_file:
        gnu_time = os.access(GNU_TIME, os.X_OK)
        if gnu_time:
            cmd = [GNU_TIME, "-q", "-f", "%M", "-o", peak_file.name, *cmd]
        wall = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                start_new_session=True)  # its own process group: a timeout kills all of it
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            if input is not None:
                assert proc.stdin is not None
                proc.stdin.write(input)
                proc.stdin.close()
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own usage, its reaped descendants included
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - wall
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(list(cmd), proc.returncode, out.read(), err.read())
        peak_kb = float(usage.ru_maxrss)
        if gnu_time:
            reported = peak_file.read().decode(errors="replace").split()
            if reported and reported[-1].isdigit():
                peak_kb = float(reported[-1])
    if check and proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd, done.stdout, done.stderr)
    return Sample(usage.ru_utime + usage.ru_stime, elapsed, peak_kb / 1024), done


def alternate(jobs: dict[str, Callable[[], Sample]], rounds: int) -> dict[str, list[Sample]]:
    """Each job once per round, in turn, ``rounds`` times: a noisy spell hits them alike."""
    out: dict[str, list[Sample]] = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, job in jobs.items():
            out[name].append(job())
    return out


def median(samples: Sequence[Sample], what: str = "cpu") -> float:
    return statistics.median(getattr(s, what) for s in samples)


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.3f} ms"


def line(label: str, samples: Sequence[Sample], per: str = "", rate: str = "") -> str:
    """``label  CPU 12.3 ms  wall 15.0 ms  [= N rate/s of CPU]  (median of 9; CPU 11.9–14.2 ms)``.

    ``per`` names what one sample is (\"a report\"); ``rate`` names the unit for a per-second
    figure (\"reports\"), printed as units per CPU-second.
    """
    cpu, wall = median(samples), median(samples, "wall")
    lo, hi = min(s.cpu for s in samples), max(s.cpu for s in samples)
    text = f"{label:44} CPU {_ms(cpu):>9}  wall {_ms(wall):>9}"
    if per:
        text += f" {per}"
    if rate and cpu > 0:
        text += f"  = {1 / cpu:,.1f} {rate}/CPU-s"
    text += f"  (median of {len(samples)}; CPU {_ms(lo)}–{_ms(hi)})"
    peaks = [s.peak_mb for s in samples if s.peak_mb]
    if peaks:
        text += f"  peak {max(peaks):.0f} MB"
    return text


def ratio(label: str, samples: Sequence[Sample], floor: Sequence[Sample], target: float | None = None,
          at_most: bool = True) -> str:
    """``label: 1.83× the floor (CPU medians; wall 1.91×)  target ≤ 2.0×: met``."""
    r = median(samples) / median(floor)
    w = median(samples, "wall") / max(median(floor, "wall"), 1e-12)
    text = f"{label}: {r:.2f}× (CPU medians; wall {w:.2f}×)"
    if target is not None:
        met = r <= target if at_most else r >= target
        text += f"  target {'≤' if at_most else '≥'} {target:g}×: {'met' if met else 'NOT met'}"
    return text


def machine() -> str:
    """One line on the machine's state: cores and load (figures from a busy machine are slower)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"cores: {os.cpu_count()}, load average (1 min): {load:.1f}"
