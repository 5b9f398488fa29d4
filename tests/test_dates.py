"""Event dates as claimed (day, month, year, range) and publication times."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.dates import DateInterval, parse_event_date, parse_published, widen
from reconciler.errors import ValueParseError

EXPECTED = "expected YYYY-MM-DD, YYYY-MM, YYYY or START/END (e.g. 2021-01-01/2021-04-07)"


@pytest.mark.parametrize(
    "value, start, end, precision",
    [
        ("2021-04-06", date(2021, 4, 6), date(2021, 4, 6), "day"),
        (" 2021-04-06 ", date(2021, 4, 6), date(2021, 4, 6), "day"),
        ("2021-04", date(2021, 4, 1), date(2021, 4, 30), "month"),
        ("2021-12", date(2021, 12, 1), date(2021, 12, 31), "month"),
        ("2021", date(2021, 1, 1), date(2021, 12, 31), "year"),
        (2021, date(2021, 1, 1), date(2021, 12, 31), "year"),
        ("2021-01-01/2021-04-07", date(2021, 1, 1), date(2021, 4, 7), "range"),
        ("2021-04-06/2021-04-06", date(2021, 4, 6), date(2021, 4, 6), "range"),
        ("2021-03/2021-04", date(2021, 3, 1), date(2021, 4, 30), "range"),
        ("2021-04-20/2021-04", date(2021, 4, 20), date(2021, 4, 30), "range"),
    ],
)
def test_parse_event_date_reads_each_precision(value: object, start: date, end: date, precision: str) -> None:
    assert parse_event_date(value) == DateInterval(start, end, precision)


@pytest.mark.parametrize(
    "value, last_day",
    [("2024-02", 29), ("2023-02", 28), ("2000-02", 29), ("1900-02", 28)],
)
def test_parse_event_date_month_ends_on_its_last_day(value: str, last_day: int) -> None:
    interval = parse_event_date(value)
    year = int(value[:4])
    assert (interval.start, interval.end) == (date(year, 2, 1), date(year, 2, last_day))
    assert interval.days == last_day


def test_parse_event_date_rejects_range_ending_before_start() -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_event_date("2021-04-07/2021-04-01")
    assert str(caught.value) == f"range ends before it starts in '2021-04-07/2021-04-01'; {EXPECTED}"


@pytest.mark.parametrize(
    "value, message",
    [
        # Regression: the message quoted only the text before the first '/' ('06').
        ("06/04/2021", f"{EXPECTED}, got '06/04/2021'"),
        ("2021-04-06/2021-04-32", f"{EXPECTED}, got '2021-04-06/2021-04-32'"),
        ("2021-13", f"month 13 is not 1-12 in '2021-13'; {EXPECTED}"),
        ("2021-04-31", f"{EXPECTED}, got '2021-04-31'"),
        ("2021-4-6", f"{EXPECTED}, got '2021-4-6'"),
        ("April 2021", f"{EXPECTED}, got 'April 2021'"),
        ("", f"{EXPECTED}, got nothing"),
        ("   ", f"{EXPECTED}, got nothing"),
        (None, f"{EXPECTED}, got nothing"),
        (2021.5, f"{EXPECTED}, got 2021.5"),
        # Regression: year 0 raised a bare ValueError, which crashed `reconcile import`.
        ("0000", f"{EXPECTED}, got '0000'"),
        ("0000-05", f"{EXPECTED}, got '0000-05'"),
        # Digits of other scripts are digits to Python's re and int(), not to ISO 8601.
        ("٢٠٢١", f"{EXPECTED}, got '٢٠٢١'"),
        ("２０２１-04", f"{EXPECTED}, got '２０２１-04'"),
    ],
)
def test_parse_event_date_rejects_with_exact_message(value: object, message: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_event_date(value)
    assert str(caught.value) == message


def test_date_interval_str_gives_the_form_as_claimed() -> None:
    forms = ["2021-04-06", "2021-04", "2021", "2021-01-01/2021-04-07"]
    assert [str(parse_event_date(form)) for form in forms] == forms


def test_widen_stretches_both_sides() -> None:
    assert widen(parse_event_date("2021-04-06"), 2) == (date(2021, 4, 4), date(2021, 4, 8))


def test_widen_stops_at_the_ends_of_the_calendar() -> None:
    # Regression: date arithmetic past 9999-12-31 or before 0001-01-01 raised OverflowError.
    assert widen(parse_event_date("9999-12-30"), 2) == (date(9999, 12, 28), date(9999, 12, 31))
    assert widen(parse_event_date("0001-01-02"), 2) == (date(1, 1, 1), date(1, 1, 4))


@given(st.dates())
def test_parse_event_date_iso_day_is_one_day(day: date) -> None:
    interval = parse_event_date(day.isoformat())
    assert interval == DateInterval(day, day, "day")
    assert interval.days == 1


@given(st.dates(), st.dates())
def test_parse_event_date_range_gives_its_bounds(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    interval = parse_event_date(f"{start.isoformat()}/{end.isoformat()}")
    assert interval == DateInterval(start, end, "range")
    assert interval.days == (end - start).days + 1


days = st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))
intervals = st.builds(lambda a, b: parse_event_date(f"{min(a, b)}/{max(a, b)}"), days, days)


@given(intervals, intervals)
def test_date_interval_gap_days_is_symmetric(a: DateInterval, b: DateInterval) -> None:
    assert a.gap_days(b) == b.gap_days(a)


@given(days, days)
def test_date_interval_gap_days_between_single_days(a: date, b: date) -> None:
    assert parse_event_date(a.isoformat()).gap_days(parse_event_date(b.isoformat())) == abs((a - b).days)


@given(intervals)
def test_date_interval_gap_days_to_itself_is_zero(a: DateInterval) -> None:
    assert a.gap_days(a) == 0


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-04-07T10:15:00Z", datetime(2021, 4, 7, 10, 15, tzinfo=timezone.utc)),
        ("2021-04-07T10:15:00+02:00", datetime(2021, 4, 7, 8, 15, tzinfo=timezone.utc)),
        ("2021-04-07T01:00:00+03:00", datetime(2021, 4, 6, 22, 0, tzinfo=timezone.utc)),
        ("2021-04-07T10:15:00-05:30", datetime(2021, 4, 7, 15, 45, tzinfo=timezone.utc)),
        ("2021-04-07T10:15:00", datetime(2021, 4, 7, 10, 15, tzinfo=timezone.utc)),
        ("2021-04-07", datetime(2021, 4, 7, 0, 0, tzinfo=timezone.utc)),
    ],
)
def test_parse_published_gives_utc(value: str, expected: datetime) -> None:
    moment = parse_published(value)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_published_empty_is_none(value: object) -> None:
    assert parse_published(value) is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("yesterday", "expected an ISO 8601 date or date-time such as 2021-04-07 or "
                      "2021-04-07T10:15:00+02:00, got 'yesterday'"),
        (20210407, "expected an ISO 8601 date or date-time, got 20210407"),
        # Regression: converting these to UTC left the calendar (OverflowError).
        ("9999-12-31T23:59:59-12:00", "'9999-12-31T23:59:59-12:00' is later than 9999-12-31 23:59:59 UTC, "
                                      "the last moment that can be stored"),
        ("0001-01-01T00:00:00+00:01", "'0001-01-01T00:00:00+00:01' is earlier than 0001-01-01 00:00:00 UTC, "
                                      "the first moment that can be stored"),
    ],
)
def test_parse_published_rejects_with_exact_message(value: object, message: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_published(value)
    assert str(caught.value) == message
