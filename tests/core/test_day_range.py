"""core.limits.DayRange: a date and time is allowed when its local day is from 1 Jan 2000 and
it has come (give or take the clock skew), whatever time zone it is written in or read in."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.limits import CLOCK_SKEW, EARLIEST_DAY, DayRange
from tests.fuzz import FUZZ

ZONES = [ZoneInfo(name) for name in ("UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin")]
NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
MOMENTS = st.one_of(
    st.datetimes(dt.datetime(1999, 12, 28), dt.datetime(2000, 1, 6)),  # about the first day
    st.datetimes(dt.datetime(2026, 12, 7, 11), dt.datetime(2026, 12, 7, 13)),  # about now
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)),
)


@FUZZ
@given(MOMENTS, st.sampled_from(ZONES), st.sampled_from(ZONES), st.sampled_from(["now", "planned"]))
def test_day_range_allows_a_moment_by_its_local_day(moment, written_in, read_in, end):
    value = moment.replace(tzinfo=written_in)
    with timezone.override(read_in):
        latest = NOW + CLOCK_SKEW if end == "now" else dt.date(2099, 12, 31)
        local = timezone.localdate(value)
        expected = local >= EARLIEST_DAY and (value <= latest if end == "now" else local <= latest)

        assert DayRange(end).allows(value if end == "now" else local, NOW) == expected


def test_day_range_refuses_the_last_moment_of_1999_where_it_is_still_1999():
    with timezone.override(ZoneInfo("Etc/GMT+12")):  # twelve hours behind UTC
        assert not DayRange("now").allows(dt.datetime(2000, 1, 1, 11, 59, tzinfo=dt.UTC), NOW)
        assert DayRange("now").allows(dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC), NOW)
