"""The one period parser, supercycle.data.split_period (and period_bounds, which places its ends)."""
import datetime as dt

import pytest

from supercycle.data import period_bounds, split_period


@pytest.mark.parametrize("period, ends", [
    ("2027Q4-2028Q1", ("2027Q4", "2028Q1")),    # a span of two quarters
    ("2016-2025", ("2016", "2025")),            # a span of years
    ("end-2026-2027", ("end-2026", "2027")),
    ("2026", ("2026", "2026")),                 # a single period is both ends
    ("2025-12", ("2025-12", "2025-12")),        # a month, not a span from 2025 to "12"
    ("2025-08-28", ("2025-08-28", "2025-08-28")),
    (" 2026H2 ", ("2026H2", "2026H2")),
])
def test_split_period(period, ends):
    assert split_period(period) == ends


@pytest.mark.parametrize("bad", ["", "soon", "2026-", "Q1-2026", "2026/27"])
def test_split_period_refuses_what_is_not_a_period(bad):
    with pytest.raises(ValueError, match="not a normalised period"):
        split_period(bad)


def test_period_bounds_places_both_ends_of_a_span():
    # 2027Q4 starts on 1 October 2027; 2028Q1 ends on 31 March 2028
    assert period_bounds("2027Q4-2028Q1") == (dt.date(2027, 10, 1), dt.date(2028, 3, 31))
    # a span of one year is that year
    assert period_bounds("2026-2026") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError, match="ends before it starts"):
        period_bounds("2028-2027")
