"""A generated register for tests and benchmarks: requests over some years with every kind of
history (补正 and abandonment, consultations, extensions, fees paid and unpaid, replies with
every outcome, requests still open at the end).  Deterministic for a given seed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from gongkai.register.clock import Event, compute_clock
from gongkai.register.settings import Settings
from gongkai.register.store import Applicant, ImportedStep, NewRequest
from gongkai.register.vocab import applicant_types, channels, outcomes
from gongkai.workdays import Calendar

_TYPE_WEIGHTS = {"natural_person": 80, "commercial": 8, "research": 1, "social_org": 2,
                 "legal_service": 5, "other_org": 4}
_PLAIN_OUTCOMES = [o for o in outcomes() if o not in ("other.no_correction", "other.no_fee", "unable.unclear")]


def generate(n: int, first_year: int, years: int, cal: Calendar, s: Settings, seed: int = 1,
             as_of: date | None = None) -> Iterator[tuple[str, list[ImportedStep]]]:
    """``n`` requests received from 1 Jan ``first_year`` over ``years`` years; events after
    ``as_of`` (default: the last day) are left out, so late requests stay open."""
    rnd = random.Random(seed)
    start = date(first_year, 1, 1)
    span = (date(first_year + years, 1, 1) - start).days
    as_of = as_of or date(first_year + years - 1, 12, 31)
    types = list(applicant_types())
    weights = [_TYPE_WEIGHTS[t] for t in types]
    pool = [Applicant(t, f"申请人{i:05d}", f"ID{i:05d}", f"1380000{i:04d}")
            for i, t in enumerate(rnd.choices(types, weights, k=max(50, n // 5)))]
    chans = list(channels())
    days = sorted(start + timedelta(days=rnd.randrange(span)) for _ in range(n))
    for received in days:
        applicant = rnd.choice(pool)
        channel = rnd.choice(chans)
        new = NewRequest(applicant, channel, f"请求公开{received.year}年某项政府信息", received,
                         confirmed_on=received if channel != "in_person" else None,
                         pieces=rnd.choice((1, 1, 1, 2, 3)))
        evs: list[tuple[str, date, dict]] = []
        day = received

        def later(lo: int, hi: int) -> date:
            return cal.add_workdays(day, rnd.randint(lo, hi))[0]  # noqa: B023 - this iteration's day, as it moves on

        roll = rnd.random()
        outcome = rnd.choice(_PLAIN_OUTCOMES)
        if roll < 0.10:  # 补正
            day = later(1, 7)
            until = cal.add_workdays(day, s.correction_period_workdays)[0]
            evs.append(("correction_requested", day, {"until": until.isoformat(), "items": "申请内容不明确"}))
            if rnd.random() < 0.7:
                day = later(1, 10)
                evs.append(("corrected", day, {}))
                if rnd.random() < 0.3:
                    outcome = "unable.unclear"
            else:
                day = until + timedelta(days=rnd.randint(1, 5))
                evs.append(("replied", day, {"outcome": "other.no_correction"}))
        if not evs or evs[-1][0] != "replied":
            if roll > 0.85:  # consultation
                day = later(1, 8)
                party = rnd.choice(("third_party", "other_body"))
                evs.append(("consultation_started", day, {"party": party}))
                day = later(3, 15)
                evs.append(("consultation_ended", day, {"party": party}))
            if roll > 0.95:
                day = later(1, 5)
                evs.append(("extended", day, {"workdays": 20, "reason": "需要调取档案"}))
            if 0.80 < roll <= 0.83:  # fee
                day = later(1, 5)
                evs.append(("fee_notice", day, {"amount": 100 * rnd.randint(1, 30), "basis": "pieces", "units": 20}))
                if rnd.random() < 0.5:
                    day = later(1, 15)
                    evs.append(("fee_paid", day, {}))
                else:
                    pay_until = cal.add_workdays(day, s.fee_payment_workdays)[0]
                    day = pay_until + timedelta(days=rnd.randint(1, 5))
                    evs.append(("replied", day, {"outcome": "other.no_fee"}))
            if evs and evs[-1][0] == "replied":
                pass
            else:
                clock = compute_clock(received, [Event(k, d, dd, id=i) for i, (k, d, dd) in enumerate(evs, 1)],
                                      cal, s)
                due = clock.due or day
                reply = max(day, cal.add_workdays(received, rnd.randint(0, 25))[0]) if rnd.random() < 0.97 \
                    else due + timedelta(days=rnd.randint(1, 10))
                reply = max(reply, day)
                evs.append(("replied", reply, {"outcome": outcome}))
                if rnd.random() < 0.5:
                    evs.append(("archived", reply + timedelta(days=rnd.randint(1, 30)), {}))
        steps = [ImportedStep("registered", received, new.data(), recorded_at="")]
        for kind, on, data in (e for e in evs if e[1] <= as_of):
            computed = {k: data.pop(k) for k in ("amount",) if k in data}
            steps.append(ImportedStep(kind, on, data, keep={**computed, "earlier": 0} if computed else None))
        yield f"第{len(steps)}件", steps
