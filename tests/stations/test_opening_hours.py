import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.localtime import LOCAL_TZ
from stations.opening_hours import Period, Schedule, same_day_overlaps, weekly_overlaps

T = dt.time
ALL_DAY = Period(T(0), T(0))
# 2026-11-23 is a Monday.
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=LOCAL_TZ)


def test_always_open():
    schedule = Schedule(weekly=dict.fromkeys(range(7), (ALL_DAY,)))
    assert schedule.is_always_open
    assert all(
        schedule.is_open_at(at(MONDAY + dt.timedelta(days=d), h))
        for d in range(7)
        for h in (0, 12, 23)
    )
    assert schedule.describe("zh-hans") == "24小时开放"
    assert schedule.describe("en") == "Open 24/7"


def test_weekday_hours_close_at_the_closing_minute_and_at_weekends():
    schedule = Schedule(weekly=dict.fromkeys(range(5), (Period(T(9), T(18)),)))
    assert not schedule.is_open_at(at(MONDAY, 8, 59))
    assert schedule.is_open_at(at(MONDAY, 9))
    assert schedule.is_open_at(at(MONDAY, 17, 59))
    assert not schedule.is_open_at(at(MONDAY, 18))
    assert not schedule.is_open_at(at(MONDAY + dt.timedelta(days=5), 12))
    assert schedule.describe("zh-hans") == "周一至周五 09:00–18:00"
    assert schedule.describe("en") == "Mon–Fri 09:00–18:00"


def test_a_period_over_midnight_belongs_to_the_day_it_starts():
    schedule = Schedule(weekly={6: [Period(T(22), T(2))]})  # Sunday night
    sunday = MONDAY + dt.timedelta(days=6)
    assert schedule.is_open_at(at(sunday, 23))
    assert schedule.is_open_at(at(sunday + dt.timedelta(days=1), 1, 59))  # next Monday
    assert not schedule.is_open_at(at(sunday + dt.timedelta(days=1), 2))
    assert not schedule.is_open_at(at(MONDAY, 23))
    assert schedule.describe("en") == "Sun 22:00–02:00"


def test_moments_in_other_time_zones_are_converted_to_shanghai_time():
    schedule = Schedule(weekly={0: [Period(T(9), T(18))]})
    assert schedule.is_open_at(dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC))  # 09:30 there
    assert not schedule.is_open_at(dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.UTC))  # 18:30


def test_a_dated_closure_replaces_the_weekly_hours_and_cuts_its_night():
    schedule = Schedule(
        weekly=dict.fromkeys(range(7), (Period(T(18), T(2)),)),
        exceptions={MONDAY: []},
    )
    assert not schedule.is_open_at(at(MONDAY, 20))
    assert schedule.is_open_at(at(MONDAY, 1))  # Sunday's night still runs into Monday
    assert not schedule.is_open_at(at(MONDAY + dt.timedelta(days=1), 1))
    assert schedule.is_open_at(at(MONDAY + dt.timedelta(days=1), 20))


def test_dated_short_hours_replace_the_weekly_hours():
    schedule = Schedule(
        weekly=dict.fromkeys(range(7), (ALL_DAY,)), exceptions={MONDAY: [Period(T(10), T(16))]}
    )
    assert not schedule.is_open_at(at(MONDAY, 9))
    assert schedule.is_open_at(at(MONDAY, 15))
    assert not schedule.is_open_at(at(MONDAY, 16))


def test_describe_groups_consecutive_days_and_reads_midnight_as_24():
    weekly = {**dict.fromkeys(range(5), (Period(T(8, 30), T(17, 30)),)), 5: [Period(T(9), T(0))]}
    text = Schedule(weekly=weekly).describe("zh-hans")
    assert text == "周一至周五 08:30–17:30；周六 09:00–24:00"
    assert Schedule().describe("en") == "No regular opening hours"


@pytest.mark.parametrize(
    "periods, clash",
    [
        ([(0, Period(T(8), T(12))), (0, Period(T(11), T(14)))], True),
        ([(0, Period(T(8), T(12))), (0, Period(T(12), T(14)))], False),
        ([(0, Period(T(22), T(3))), (1, Period(T(2), T(9)))], True),
        ([(6, Period(T(22), T(3))), (0, Period(T(2), T(9)))], True),  # Sunday into Monday
        ([(6, Period(T(22), T(3))), (0, Period(T(3), T(9)))], False),
        ([(0, ALL_DAY), (1, ALL_DAY)], False),
        ([(0, ALL_DAY), (0, Period(T(8), T(9)))], True),
    ],
)
def test_weekly_overlaps(periods, clash):
    assert bool(weekly_overlaps(periods)) is clash


def test_same_day_overlaps():
    assert same_day_overlaps([Period(T(8), T(12)), Period(T(10), T(13))])
    assert not same_day_overlaps([Period(T(8), T(12)), Period(T(13), T(15))])


OFFICE = Schedule(weekly=dict.fromkeys(range(5), (Period(T(9), T(18)),)))


@pytest.mark.parametrize(
    ("moment", "change"),
    [
        (at(MONDAY, 12), at(MONDAY, 18)),  # open: until the closing time
        (at(MONDAY, 7), at(MONDAY, 9)),  # closed: the next opening today
        (at(MONDAY, 19), at(MONDAY + dt.timedelta(days=1), 9)),  # tomorrow
        (at(MONDAY + dt.timedelta(days=4), 20), at(MONDAY + dt.timedelta(days=7), 9)),  # Monday
    ],
)
def test_the_next_change_of_state(moment, change):
    assert OFFICE.next_change(moment) == change


def test_the_next_change_runs_across_midnight_and_back_to_back_periods():
    night = Schedule(
        weekly={0: (Period(T(18), T(0)),), 1: (Period(T(0), T(2)), Period(T(2), T(6)))}
    )
    assert night.next_change(at(MONDAY, 20)) == at(MONDAY + dt.timedelta(days=1), 6)
    assert Schedule(weekly=dict.fromkeys(range(7), (ALL_DAY,))).next_change(at(MONDAY, 3)) is None
    assert Schedule().next_change(at(MONDAY, 3)) is None  # no hours: nothing to announce


def test_a_dated_closure_moves_the_next_opening():
    closed_tuesday = Schedule(weekly=OFFICE.weekly, exceptions={MONDAY + dt.timedelta(days=1): ()})
    assert closed_tuesday.next_change(at(MONDAY, 19)) == at(MONDAY + dt.timedelta(days=2), 9)


PERIODS = st.builds(
    Period,
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)


@settings(max_examples=60, deadline=None)
@given(
    weekly=st.dictionaries(st.integers(0, 6), st.lists(PERIODS, max_size=3), max_size=7),
    minute=st.integers(0, 7 * 24 * 60 - 1),
)
def test_the_next_change_agrees_with_stepping_minute_by_minute(weekly, minute):
    schedule = Schedule(weekly=weekly)
    moment = at(MONDAY, 0) + dt.timedelta(minutes=minute)
    state = schedule.is_open_at(moment)
    step, change = dt.timedelta(minutes=1), None
    for n in range(1, 8 * 24 * 60 + 1):
        if schedule.is_open_at(moment + n * step) != state:
            change = moment + n * step
            break
    assert schedule.next_change(moment) == change
