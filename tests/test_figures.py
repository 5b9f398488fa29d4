"""Casualty figures as written, parsed into integer intervals."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reconciler.errors import ValueParseError
from reconciler.figures import Figure, parse_figure

NOT_A_FIGURE = (
    "expected a casualty figure such as '2', 'two', 'more than 40', 'at least 3', "
    "'up to 5', '3-5', 'about 10' or 'dozens', got "
)
# The largest value an INTEGER column holds on both SQLite and PostgreSQL.
LARGEST = 2**31 - 1


@pytest.mark.parametrize(
    "value, low, high",
    [
        ("2", 2, 2),
        (2, 2, 2),
        (0, 0, 0),
        (3.0, 3, 3),
        ("two", 2, 2),
        ("Two", 2, 2),
        ("twenty-four", 24, 24),
        ("two hundred", 200, 200),
        ("more than 40", 41, None),
        ("More than 40.", 41, None),
        ("at least 3", 3, None),
        ("at least a dozen", 12, None),
        ("up to 5", 0, 5),
        ("fewer than 10", 0, 9),
        ("3-5", 3, 5),
        ("3–5", 3, 5),
        ("3 to 5", 3, 5),
        ("about 10", 8, 12),
        ("about 5", 4, 6),
        ("dozens", 24, None),
        ("several", 3, 9),
        ("1,000", 1000, 1000),
        ("more than 13,000", 13001, None),
        ("5+", 5, None),
        ("none", 0, 0),
        # A run of small numbers is a range, not a sum: two or three, not five.
        ("two-three", 2, 3),
        ("twenty five", 25, 25),
        ("two thousand five hundred", 2500, 2500),
        # Ukrainian and Russian, with the collective forms reports use ("двоє загиблих").
        ("двоє", 2, 2), ("двое", 2, 2), ("дві", 2, 2), ("п’ять", 5, 5), ("п'ятеро", 5, 5),
        ("двоє-троє", 2, 3), ("сто двадцять", 120, 120), ("двадцять чотири", 24, 24),
        ("щонайменше троє", 3, None), ("не менее пяти", 5, None), ("понад 40", 41, None),
        ("более 13 тысяч", 13001, None), ("свыше 100", 101, None), ("до 5", 0, 5),
        ("близько 10", 8, 12), ("около 10", 8, 12), ("кілька", 3, 9), ("десятки", 20, None),
        ("жодного", 0, 0), ("ни одного", 0, 0),
        # The collective forms in the accusative and genitive ("поранено шістьох людей", "ранили
        # семерых") and the oblique vague ones ("кількох", "нескольких").
        ("шістьох", 6, 6), ("сімох", 7, 7), ("десятьох", 10, 10), ("семерых", 7, 7), ("не менее семерых", 7, None),
        ("кількох", 3, 9), ("нескольких", 3, 9),
        # "тисячі" alone is "thousands"; a prefix applies to a range's ends; a scale after a
        # range applies to both; a range of compound numbers splits where both sides read.
        ("тисячі", 2000, None), ("5 тисяч", 5000, 5000), ("about 2-3", 1, 4), ("up to 2-3", 0, 3),
        ("at least 2-3", 2, None), ("two-three hundred", 200, 300), ("2-3 thousand", 2000, 3000),
        ("дві-три тисячі", 2000, 3000), ("twenty-one-twenty-five", 21, 25), ("two hundred-three hundred", 200, 300),
        ("п‘ять", 5, 5), ("пʹять", 5, 5),
    ],
)
def test_parse_figure_reads_written_forms(value: object, low: int, high: int | None) -> None:
    assert parse_figure(value) == Figure(low, high)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_figure_empty_means_not_stated(value: object) -> None:
    assert parse_figure(value) is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("lots", NOT_A_FIGURE + "'lots'"),
        ("-3", NOT_A_FIGURE + "'-3'"),
        ("5-3", NOT_A_FIGURE + "'5-3'"),
        ("fewer than 0", NOT_A_FIGURE + "'fewer than 0'"),
        (True, "expected a number or text such as 'two', 'at least 3', got True"),
        (2.5, "expected a whole number ≥ 0, got 2.5"),
        (-3, "expected a number ≥ 0, got -3"),
    ],
)
def test_parse_figure_rejects_with_exact_message(value: object, message: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_figure(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "value, message",
    [
        ("99999999999999999999999",
         "expected a casualty figure of at most 2,147,483,647, got '99999999999999999999999'"),
        ("more than 2147483647",
         "expected a casualty figure of at most 2,147,483,647, got 'more than 2147483647'"),
        (2**31, "expected a casualty figure of at most 2,147,483,647, got 2147483648"),
    ],
)
def test_parse_figure_rejects_figures_too_large_to_store(value: object, message: str) -> None:
    # Regression: a figure beyond a database INTEGER crashed `reconcile import` with OverflowError.
    with pytest.raises(ValueParseError) as caught:
        parse_figure(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "value, low, high",
    [
        # Regression: "two thousand million" was read as 2,000 + 1,000,000 = 1,002,000. A scale word
        # multiplies everything before it that is smaller: 2 × 1,000 × 1,000,000.
        ("two thousand million", 2_000_000_000, 2_000_000_000),
        ("a thousand million", 1_000_000_000, 1_000_000_000),
        # (1,000 + 200) × 1,000,000; a smaller scale after a larger one adds: 2,000,000 + 300 × 1,000.
        ("one thousand two hundred million", 1_200_000_000, 1_200_000_000),
        ("two million three hundred thousand", 2_300_000, 2_300_000),
        ("one hundred thousand", 100_000, 100_000),
        ("two billion", 2_000_000_000, 2_000_000_000),
        ("5 мільйонів", 5_000_000, 5_000_000),
        ("два миллиона", 2_000_000, 2_000_000),
        # A vague plural of a scale: "hundreds" is at least 200 (as alone), so at least 200 × 1,000.
        ("hundreds of thousands", 200_000, None),
        ("tens of thousands", 20_000, None),
        ("thousands of millions", 2_000_000_000, None),
        ("сотні тисяч", 200_000, None),
        ("десятки тысяч", 20_000, None),
        # A decimal before a scale word: 1.5 × 1,000; 2.25 × 1,000,000; bounds apply as usual.
        ("1.5 thousand", 1_500, 1_500),
        ("2.25 million", 2_250_000, 2_250_000),
        ("more than 1.5 thousand", 1_501, None),
        ("about 1.5 thousand", 1_200, 1_800),
        ("1.5-2 thousand", 1_500, 2_000),
        # The trailing scales apply to both ends: 2 × 1,000 × 1,000,000 to 3 × 1,000 × 1,000,000 would
        # be too large; two to three hundred thousand is 200,000 to 300,000.
        ("two-three hundred thousand", 200_000, 300_000),
    ],
)
def test_parse_figure_composes_scale_words(value: object, low: int, high: int | None) -> None:
    assert parse_figure(value) == Figure(low, high)


@pytest.mark.parametrize(
    "value, message",
    [
        # 1.2345 × 1,000 = 1,234.5: not a whole number of people.
        ("1.2345 thousand", NOT_A_FIGURE + "'1.2345 thousand'"),
        ("1.5", NOT_A_FIGURE + "'1.5'"),
        # A smaller scale straight after a larger one names no number.
        ("two million thousand", NOT_A_FIGURE + "'two million thousand'"),
        ("three thousand million", "expected a casualty figure of at most 2,147,483,647, got 'three thousand million'"),
        # Regression: str.isdigit accepts superscripts and int() does not (ValueError); only ASCII digits count.
        ("²", NOT_A_FIGURE + "'²'"),
        ("at least ³", NOT_A_FIGURE + "'at least ³'"),
        ("٣", NOT_A_FIGURE + "'٣'"),
        ("３", NOT_A_FIGURE + "'３'"),
        # Regression: 5,000 digits crashed int() (Python's limit on digits in a conversion).
        ("9" * 5000, "expected a casualty figure of at most 2,147,483,647, got '" + "9" * 5000 + "'"),
    ],
)
def test_parse_figure_refuses_scales_that_do_not_compose(value: object, message: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_figure(value)
    assert str(caught.value) == message


def test_figure_str_shows_the_interval() -> None:
    assert [str(Figure(2, 2)), str(Figure(3, 5)), str(Figure(41, None))] == ["2", "3–5", "≥41"]


counts = st.integers(min_value=0, max_value=LARGEST)


@given(counts)
def test_parse_figure_digits_give_exact_figure(n: int) -> None:
    assert parse_figure(str(n)) == Figure(n, n)


@given(counts)
def test_parse_figure_thousands_separators_give_exact_figure(n: int) -> None:
    assert parse_figure(f"{n:,}") == Figure(n, n)


@given(st.integers(min_value=0, max_value=LARGEST - 1))
def test_parse_figure_more_than_is_open_above(n: int) -> None:
    assert parse_figure(f"more than {n}") == Figure(n + 1, None)


@given(counts, counts)
def test_parse_figure_range_in_order_gives_its_bounds(a: int, b: int) -> None:
    low, high = min(a, b), max(a, b)
    assert parse_figure(f"{low}-{high}") == Figure(low, high)


@given(counts, counts)
def test_parse_figure_range_out_of_order_is_rejected(a: int, b: int) -> None:
    assume(a != b)
    text = f"{max(a, b)}-{min(a, b)}"
    with pytest.raises(ValueParseError):
        parse_figure(text)


@given(st.integers(min_value=0, max_value=10**6))
def test_parse_figure_about_spans_80_to_120_percent(n: int) -> None:
    # 80 % rounded down and 120 % rounded up, in exact integer arithmetic.
    assert parse_figure(f"about {n}") == Figure(4 * n // 5, -(-6 * n // 5))


figures = st.builds(
    lambda low, span: Figure(low, None if span is None else low + span),
    st.integers(min_value=0, max_value=60),
    st.none() | st.integers(min_value=0, max_value=60),
)


@given(figures, figures)
def test_figure_overlaps_is_symmetric(a: Figure, b: Figure) -> None:
    assert a.overlaps(b) == b.overlaps(a)


@given(figures)
def test_figure_overlaps_itself(a: Figure) -> None:
    assert a.overlaps(a)


@given(figures, figures)
def test_figure_overlaps_when_a_whole_number_is_in_both(a: Figure, b: Figure) -> None:
    def holds(figure: Figure, k: int) -> bool:
        return figure.low <= k and (figure.high is None or k <= figure.high)

    # Every bound is below 121, so a shared number, if any, is below 121 too.
    shared = any(holds(a, k) and holds(b, k) for k in range(0, 122))
    assert a.overlaps(b) == shared
