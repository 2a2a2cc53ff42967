"""The narrative reader and rules: their cost per report, and what they find on real reports.

    python bench/narrative.py [--rounds 7] [--seconds 0.5]

Cost (CPU and wall time a report through bench/timing.py, median of alternating rounds): reading the narrative of a report
(``extract.narrative.read``), the figure rules over a reading (``check.figures``), against the
floor measured in the same run: parsing the same text report (``gongkai.load``, which now includes
the reading) and the rest of the checker.  Inputs: the five seed reports (text), the three
shipped PDFs and the ten crawler texts of examples/crawler-text (loaded once; their reading and
rules are timed).

Findings: every narrative finding (TEXT-*) on each real report, by severity, so that false
alarms can be counted by reading them (docs/narrative.md lists the verdicts).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from timing import Sample, alternate, line, machine, median, repeat_for  # noqa: E402

from gongkai.check import check_report  # noqa: E402
from gongkai.check import figures as figure_rules  # noqa: E402
from gongkai.extract.narrative import read  # noqa: E402
from gongkai.load import load  # noqa: E402

TEXT_RULES = ("TEXT-TABLE", "TEXT-COMBINED", "TEXT-RECEIVED", "TEXT-CLAIM", "TEXT-SUM", "TEXT-PERCENT",
              "TEXT-YEAR", "TEXT-PLAN", "TEXT-COPIED")


def per_report(fn, items, seconds: float) -> Sample:
    """CPU and wall time per item of ``fn(item)``, over at least ``seconds`` of CPU."""
    def once() -> None:
        for item in items:
            fn(item)

    return repeat_for(once, seconds).per(len(items))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=0.5)
    args = ap.parse_args()
    seeds = [(p.read_bytes(), p.name) for p in sorted((ROOT / "examples").glob("00*.txt"))]
    named = {p.name: load(p) for p in sorted((ROOT / "examples").glob("*.pdf"))}
    named.update({name: load(data, name) for data, name in seeds})
    named.update({p.name: load(p) for p in sorted((ROOT / "examples" / "crawler-text").glob("*.txt"))})
    reports = list(named.values())
    text_reports = [named[name] for _, name in seeds]

    def rules_only(report) -> None:
        list(figure_rules.text_figures(report))  # the reading is kept on the report: rules only

    rounds = alternate({  # alternating, so that a busy spell hits every figure alike
        "seeds: read the narrative": lambda: per_report(read, text_reports, args.seconds),
        "seeds: figure rules": lambda: per_report(rules_only, text_reports, args.seconds),
        "seeds: parse (with it)": lambda: per_report(lambda d: load(*d), seeds, args.seconds),
        "seeds: check (with it)": lambda: per_report(check_report, text_reports, args.seconds),
        "all 18: read the narrative": lambda: per_report(read, reports, args.seconds),
    }, args.rounds)
    print(machine())
    print(f"reports: {len(seeds)} seeds (text), {len(named) - len(seeds) - 10} PDFs, 10 crawler texts; "
          f"{args.rounds} rounds of {args.seconds} s CPU")
    for name, samples in rounds.items():
        print(line(name, samples, per="a report"))
    ms = {k: median(v) * 1000 for k, v in rounds.items()}
    added = ms["seeds: read the narrative"] + ms["seeds: figure rules"]
    floor = ms["seeds: parse (with it)"] + ms["seeds: check (with it)"] - added  # the same without them
    print(f"seeds: added per report: {added:.3f} ms CPU = {added / floor:.1%} of parse + check without it "
          f"({floor:.3f} ms)")
    print()
    totals: Counter = Counter()
    for name, report in named.items():
        found = [f for f in check_report(report) if f.rule in TEXT_RULES]
        counts = Counter(f.severity for f in found)
        totals.update(counts)
        summary = ", ".join(f"{f.rule} {f.severity}" for f in found) or "—"
        print(f"{name:32s} figures {len(read(report).figures):3d}  {summary}")
    print(f"\nnarrative findings on {len(named)} real reports: "
          f"{totals['error']} errors, {totals['warning']} warnings, {totals['notice']} notices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
