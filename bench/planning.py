"""The van-tour planning case of ``make bench`` (run by bench/run.py with DATABASE_URL set):
5 vans × 10 working days over 300 candidate stations in Shenzhen, the OR-Tools plan against the
greedy nearest-next baseline, on the same problem (same candidates, demand and driving times,
distances from PostGIS as in production).

Candidates are seeded-random points in Shenzhen with demand as yizhan weighs it (seats × workers
per seat, doubled where no check-up was held nearby lately: here 40% of stations). Prints one
JSON object on stdout."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from services.checkups.services import van_travel_seconds  # noqa: E402
from services.planning.planners import Candidate, VanDay, plan_tours, plan_tours_greedy, problem  # noqa: E402
from services.planning.selectors import UNCOVERED_WEIGHT, WORKERS_PER_SEAT, distance_matrix  # noqa: E402

CANDIDATES = 300
VANS = 5
DAYS = 10
VISIT_MINUTES = 120
CHECKUPS_PER_HOUR = 30
TIME_LIMIT_S = 30
SHENZHEN = (113.75, 22.50, 114.35, 22.75)  # lon/lat box over the built-up districts
DEPOTS = [(113.93, 22.53), (114.06, 22.54), (114.12, 22.56), (113.88, 22.57), (114.25, 22.70)]


def candidates(seed: int = 7) -> list[Candidate]:
    rng = random.Random(seed)
    made = []
    for n in range(CANDIDATES):
        lon = rng.uniform(SHENZHEN[0], SHENZHEN[2])
        lat = rng.uniform(SHENZHEN[1], SHENZHEN[3])
        uncovered = rng.random() < 0.4
        seats = rng.randint(4, 20)
        demand = seats * WORKERS_PER_SEAT * (UNCOVERED_WEIGHT if uncovered else 1)
        made.append(Candidate(n, f"B-{n:03d}", f"bench {n}", lon, lat, demand, uncovered))
    return made


def van_days() -> list[VanDay]:
    first = dt.date(2027, 3, 1)
    return [
        VanDay(
            van,
            f"van {van}",
            first + dt.timedelta(days=day),
            DEPOTS[van],
            dt.time(8, 30),
            dt.time(17, 30),
            CHECKUPS_PER_HOUR * VISIT_MINUTES // 60,
        )
        for day in range(DAYS)
        for van in range(VANS)
    ]


def main() -> None:
    started = time.perf_counter()
    tour_problem = problem(
        van_days=van_days(),
        candidates=candidates(),
        visit_minutes=VISIT_MINUTES,
        distance_matrix=distance_matrix,
        travel_seconds=van_travel_seconds,
    )
    setup_s = time.perf_counter() - started
    greedy = plan_tours_greedy(tour_problem)
    solved = plan_tours(tour_problem, time_limit_s=TIME_LIMIT_S)
    print(
        json.dumps(
            {
                "candidates": CANDIDATES,
                "vans": VANS,
                "days": DAYS,
                "visit_minutes": VISIT_MINUTES,
                "time_limit_s": TIME_LIMIT_S,
                "setup_s": round(setup_s, 2),
                "demand_total": solved.demand_total,
                "greedy": {
                    "demand_covered": greedy.demand_covered,
                    "visits": greedy.visits,
                    "seconds": round(greedy.seconds, 2),
                },
                "or_tools": {
                    "demand_covered": solved.demand_covered,
                    "visits": solved.visits,
                    "seconds": round(solved.seconds, 2),
                },
                "gain": round(solved.demand_covered / greedy.demand_covered - 1, 3),
                "time_to_plan_s": round(setup_s + solved.seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
