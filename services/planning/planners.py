"""Van tours: which stations each van visits on each day, to reach as many workers as possible.

Pure functions: candidates, van-days and a distance matrix in, a :class:`Plan` out (no
queries). :func:`plan_tours` solves it as a vehicle-routing problem with time windows and
optional visits (Google OR-Tools): every van-day is a vehicle that leaves its depot and comes
back within the van's working hours; every candidate station is a visit that may be dropped at a
penalty equal to the workers it would reach, so the solver maximises the workers reached, then
minimises driving. :func:`plan_tours_greedy` is the nearest-next baseline the benchmark compares
against. Travel times come from the one van travel rule (``services.checkups.services``).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

# A dropped visit costs this much per worker not reached, in seconds of driving: reaching one
# more worker is always worth more than any detour within a day.
SECONDS_PER_WORKER = 24 * 3600


@dataclass(frozen=True)
class Candidate:
    station_id: int
    code: str
    name: str
    lon: float
    lat: float
    demand: int
    """Workers expected at a visit here (the planning weight)."""
    uncovered: bool = False
    """No check-up was held near it recently (its demand is raised)."""
    is_synthetic: bool = False
    """A demo station (invented), not a real one."""


@dataclass(frozen=True)
class VanDay:
    van_id: int
    van_name: str
    date: dt.date
    depot: tuple[float, float]
    starts: dt.time
    ends: dt.time
    visit_capacity: int
    """Check-ups the van can do in one visit."""
    van_is_synthetic: bool = False


@dataclass(frozen=True)
class Stop:
    candidate: Candidate
    starts_s: int
    """Seconds after midnight (local time) when the visit starts."""
    ends_s: int
    travel_s: int
    """Driving from the previous stop (or the depot)."""
    reached: int

    def starts_at(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(seconds=self.starts_s)

    def ends_at(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(seconds=self.ends_s)


@dataclass
class Tour:
    van_day: VanDay
    stops: list[Stop] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return sum(stop.reached for stop in self.stops)


@dataclass
class Plan:
    method: str
    tours: list[Tour]
    demand_total: int
    seconds: float

    @property
    def demand_covered(self) -> int:
        return sum(tour.reached for tour in self.tours)

    @property
    def visits(self) -> int:
        return sum(len(tour.stops) for tour in self.tours)


@dataclass(frozen=True)
class Problem:
    """Nodes are the van-days' depots first (one per distinct depot), then the candidates."""

    van_days: Sequence[VanDay]
    candidates: Sequence[Candidate]
    travel_s: Sequence[Sequence[int]]
    """Driving seconds between nodes (depots, then candidates)."""
    depot_node: Sequence[int]
    """The node of each van-day's depot."""
    visit_s: int

    @property
    def first_candidate(self) -> int:
        return len(self.travel_s) - len(self.candidates)

    def reached(self, candidate: Candidate, van_day: VanDay) -> int:
        return min(candidate.demand, van_day.visit_capacity)


def problem(
    *,
    van_days: Sequence[VanDay],
    candidates: Sequence[Candidate],
    visit_minutes: int,
    distance_matrix: Callable[[list[tuple[float, float]]], list[list[float]]],
    travel_seconds: Callable[[float], float],
) -> Problem:
    """The problem's nodes and driving times (``distance_matrix`` gives geodesic metres
    between points; ``travel_seconds`` turns metres into driving seconds)."""
    depots = list(dict.fromkeys(day.depot for day in van_days))
    points = depots + [(c.lon, c.lat) for c in candidates]
    metres = distance_matrix(points)
    # Whole minutes, rounded up, so that planned times read like times people set.
    travel = [[math.ceil(travel_seconds(m) / 60) * 60 for m in row] for row in metres]
    return Problem(
        van_days=van_days,
        candidates=candidates,
        travel_s=travel,
        depot_node=[depots.index(day.depot) for day in van_days],
        visit_s=visit_minutes * 60,
    )


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def plan_tours(
    p: Problem, *, time_limit_s: float, on_solution: Callable[[float], None] | None = None
) -> Plan:
    """The OR-Tools plan (guided local search until ``time_limit_s``); ``on_solution`` is
    called with the elapsed seconds whenever a better plan is found (for progress bars)."""
    started = time.monotonic()
    demand_total = sum(c.demand for c in p.candidates)
    if not p.van_days or not p.candidates:
        return Plan("or-tools", [Tour(day) for day in p.van_days], demand_total, 0.0)
    manager = pywrapcp.RoutingIndexManager(
        len(p.travel_s), len(p.van_days), list(p.depot_node), list(p.depot_node)
    )
    routing = pywrapcp.RoutingModel(manager)
    first = p.first_candidate

    def drive(from_index: int, to_index: int) -> int:
        return p.travel_s[manager.IndexToNode(from_index)][manager.IndexToNode(to_index)]

    def drive_and_visit(from_index: int, to_index: int) -> int:
        visit = p.visit_s if manager.IndexToNode(from_index) >= first else 0
        return visit + drive(from_index, to_index)

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(drive))
    clock = routing.RegisterTransitCallback(drive_and_visit)
    routing.AddDimension(clock, 24 * 3600, 24 * 3600, False, "time")
    timeline = routing.GetDimensionOrDie("time")
    for vehicle, day in enumerate(p.van_days):
        day_starts, day_ends = _seconds(day.starts), _seconds(day.ends)
        timeline.CumulVar(routing.Start(vehicle)).SetRange(day_starts, day_ends)
        timeline.CumulVar(routing.End(vehicle)).SetRange(day_starts, day_ends)
    largest_visit = max(day.visit_capacity for day in p.van_days)
    for offset, candidate in enumerate(p.candidates):
        index = manager.NodeToIndex(first + offset)
        penalty = min(candidate.demand, largest_visit) * SECONDS_PER_WORKER
        routing.AddDisjunction([index], penalty)
    if on_solution is not None:
        routing.AddAtSolutionCallback(lambda: on_solution(time.monotonic() - started))
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    solution = routing.SolveWithParameters(parameters)
    tours = [Tour(day) for day in p.van_days]
    if solution is not None:
        for vehicle, tour in enumerate(tours):
            index = routing.Start(vehicle)
            previous = manager.IndexToNode(index)
            index = solution.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                candidate = p.candidates[node - first]
                starts = solution.Min(timeline.CumulVar(index))
                tour.stops.append(
                    Stop(
                        candidate,
                        starts,
                        starts + p.visit_s,
                        p.travel_s[previous][node],
                        p.reached(candidate, tour.van_day),
                    )
                )
                previous, index = node, solution.Value(routing.NextVar(index))
    return Plan("or-tools", tours, demand_total, time.monotonic() - started)


QUARTER_HOUR_S = 15 * 60


def on_quarter_hours(plan: Plan, p: Problem) -> Plan:
    """The plan with every visit starting on a quarter hour (09:00, 09:15…), the times people
    are told to come: a van that arrives at 14:41 opens at 14:45. A visit that then no longer
    fits the van's day (back at the depot by its end) is left out, with those after it."""
    first = p.first_candidate
    node_of = {candidate.code: first + index for index, candidate in enumerate(p.candidates)}
    tours = []
    for vehicle, tour in enumerate(plan.tours):
        day, depot = tour.van_day, p.depot_node[vehicle]
        here, clock, day_ends = depot, _seconds(day.starts), _seconds(day.ends)
        kept = Tour(day)
        for stop in tour.stops:
            node = node_of[stop.candidate.code]
            arrives = clock + p.travel_s[here][node]
            starts = -(-arrives // QUARTER_HOUR_S) * QUARTER_HOUR_S
            if starts + p.visit_s + p.travel_s[node][depot] > day_ends:
                break
            travel = p.travel_s[here][node]
            kept.stops.append(
                Stop(stop.candidate, starts, starts + p.visit_s, travel, stop.reached)
            )
            here, clock = node, starts + p.visit_s
        tours.append(kept)
    return Plan(plan.method, tours, plan.demand_total, plan.seconds)


def plan_tours_greedy(p: Problem) -> Plan:
    """The baseline: each van-day in turn drives to the nearest unvisited candidate it can
    still visit and get home from within its hours, until none fits."""
    started = time.monotonic()
    first = p.first_candidate
    unvisited = set(range(first, first + len(p.candidates)))
    tours = []
    for vehicle, day in enumerate(p.van_days):
        tour, depot = Tour(day), p.depot_node[vehicle]
        here, clock, day_ends = depot, _seconds(day.starts), _seconds(day.ends)
        while True:
            fits = [
                node
                for node in unvisited
                if clock + p.travel_s[here][node] + p.visit_s + p.travel_s[node][depot] <= day_ends
            ]
            if not fits:
                break
            node = min(fits, key=lambda n: (p.travel_s[here][n], n))
            candidate = p.candidates[node - first]
            starts = clock + p.travel_s[here][node]
            tour.stops.append(
                Stop(
                    candidate,
                    starts,
                    starts + p.visit_s,
                    p.travel_s[here][node],
                    p.reached(candidate, day),
                )
            )
            unvisited.discard(node)
            here, clock = node, starts + p.visit_s
        tours.append(tour)
    demand_total = sum(c.demand for c in p.candidates)
    return Plan("greedy nearest-next", tours, demand_total, time.monotonic() - started)
