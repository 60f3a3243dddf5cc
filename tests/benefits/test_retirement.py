"""Statutory retirement age and date: the annex tables of the 2024-09-13 decision, row by row at the boundaries."""

from datetime import date

import pytest

from benefits.rules.retirement import (
    RetirementCategory,
    default_category,
    less_than_years_to_retirement,
    retirement_age,
    retirement_date,
    retirement_month,
    within_years_of_retirement,
)

MALE = RetirementCategory.MALE
F50 = RetirementCategory.FEMALE_50
F55 = RetirementCategory.FEMALE_55

# (category, birth year-month, expected age (years, months), expected retirement month (year, month))
AGE_TABLE = [
    # Men, 60 -> 63, one month per 4 months from those born 1965-01 (annex table 1).
    pytest.param(MALE, (1960, 6), (60, 0), (2020, 6), id="male-1960-06-before-reform"),
    pytest.param(MALE, (1964, 12), (60, 0), (2024, 12), id="male-1964-12-month-before-start"),
    pytest.param(MALE, (1965, 1), (60, 1), (2025, 2), id="male-1965-01-first-cohort"),
    pytest.param(MALE, (1965, 2), (60, 1), (2025, 3), id="male-1965-02-second-month"),
    pytest.param(MALE, (1965, 4), (60, 1), (2025, 5), id="male-1965-04-end-of-first-step"),
    pytest.param(MALE, (1965, 5), (60, 2), (2025, 7), id="male-1965-05-second-step"),
    pytest.param(MALE, (1965, 12), (60, 3), (2026, 3), id="male-1965-12"),
    pytest.param(MALE, (1966, 5), (60, 5), (2026, 10), id="male-1966-05"),
    pytest.param(MALE, (1970, 12), (61, 6), (2032, 6), id="male-1970-12-middle"),
    pytest.param(MALE, (1976, 8), (62, 11), (2039, 7), id="male-1976-08-last-before-final"),
    pytest.param(MALE, (1976, 9), (63, 0), (2039, 9), id="male-1976-09-final-age"),
    pytest.param(MALE, (1976, 12), (63, 0), (2039, 12), id="male-1976-12-after-final"),
    pytest.param(MALE, (2000, 12), (63, 0), (2063, 12), id="male-2000-12-long-after"),
    # Women formerly 55, 55 -> 58, one month per 4 months from those born 1970-01 (annex table 2).
    pytest.param(F55, (1963, 4), (55, 0), (2018, 4), id="female55-1963-04-before-reform"),
    pytest.param(F55, (1969, 12), (55, 0), (2024, 12), id="female55-1969-12-month-before-start"),
    pytest.param(F55, (1970, 1), (55, 1), (2025, 2), id="female55-1970-01-first-cohort"),
    pytest.param(F55, (1970, 2), (55, 1), (2025, 3), id="female55-1970-02-second-month"),
    pytest.param(F55, (1970, 4), (55, 1), (2025, 5), id="female55-1970-04-end-of-first-step"),
    pytest.param(F55, (1970, 5), (55, 2), (2025, 7), id="female55-1970-05-second-step"),
    pytest.param(F55, (1971, 4), (55, 4), (2026, 8), id="female55-1971-04"),
    pytest.param(F55, (1975, 12), (56, 6), (2032, 6), id="female55-1975-12-middle"),
    pytest.param(F55, (1981, 8), (57, 11), (2039, 7), id="female55-1981-08-last-before-final"),
    pytest.param(F55, (1981, 9), (58, 0), (2039, 9), id="female55-1981-09-final-age"),
    pytest.param(F55, (2000, 12), (58, 0), (2058, 12), id="female55-2000-12-long-after"),
    # Women formerly 50, 50 -> 55, one month per 2 months from those born 1975-01 (annex table 3).
    pytest.param(F50, (1970, 3), (50, 0), (2020, 3), id="female50-1970-03-before-reform"),
    pytest.param(F50, (1974, 12), (50, 0), (2024, 12), id="female50-1974-12-month-before-start"),
    pytest.param(F50, (1975, 1), (50, 1), (2025, 2), id="female50-1975-01-first-cohort"),
    pytest.param(F50, (1975, 2), (50, 1), (2025, 3), id="female50-1975-02-end-of-first-step"),
    pytest.param(F50, (1975, 3), (50, 2), (2025, 5), id="female50-1975-03-second-step"),
    pytest.param(F50, (1975, 11), (50, 6), (2026, 5), id="female50-1975-11"),
    pytest.param(F50, (1979, 12), (52, 6), (2032, 6), id="female50-1979-12-middle"),
    pytest.param(F50, (1984, 10), (54, 11), (2039, 9), id="female50-1984-10-last-before-final"),
    pytest.param(F50, (1984, 11), (55, 0), (2039, 11), id="female50-1984-11-final-age"),
    pytest.param(F50, (1984, 12), (55, 0), (2039, 12), id="female50-1984-12-after-final"),
    pytest.param(F50, (1995, 12), (55, 0), (2050, 12), id="female50-1995-12-long-after"),
]


@pytest.mark.parametrize(("category", "born", "age", "month"), AGE_TABLE)
def test_retirement_age_and_month_follow_the_annex_tables(category, born, age, month):
    birth_date = date(*born, 15)

    assert retirement_age(birth_date=birth_date, category=category) == age
    assert retirement_month(birth_date=birth_date, category=category) == month
    assert retirement_date(birth_date=birth_date, category=category) == date(*month, 15)


@pytest.mark.parametrize(
    ("category", "birth_date", "expected"),
    [
        pytest.param(MALE, date(1965, 1, 31), date(2025, 2, 28), id="born-31st-into-february"),
        pytest.param(MALE, date(1963, 8, 31), date(2023, 8, 31), id="born-31st-day-exists"),
        pytest.param(F50, date(1975, 7, 31), date(2025, 11, 30), id="born-31st-into-30-day-month"),
        pytest.param(F50, date(1975, 5, 31), date(2025, 8, 31), id="born-31st-into-31-day-month"),
        pytest.param(F55, date(1968, 2, 29), date(2023, 2, 28), id="born-29-feb-common-year"),
        pytest.param(MALE, date(1964, 2, 29), date(2024, 2, 29), id="born-29-feb-leap-year"),
        pytest.param(F55, date(1972, 2, 29), date(2027, 9, 29), id="born-29-feb-other-month"),
        pytest.param(MALE, date(1965, 1, 1), date(2025, 2, 1), id="born-1st"),
    ],
)
def test_retirement_date_day_of_month(category, birth_date, expected):
    assert retirement_date(birth_date=birth_date, category=category) == expected


@pytest.mark.parametrize(
    ("category", "birth_date", "on", "expected"),
    [
        # Man born 1970-12-10: 61y6m, retires 2032-06-10; the 5-year window opens 2027-06-10.
        pytest.param(MALE, date(1970, 12, 10), date(2027, 6, 9), False, id="day-before-window"),
        pytest.param(MALE, date(1970, 12, 10), date(2027, 6, 10), True, id="first-day-of-window"),
        pytest.param(MALE, date(1970, 12, 10), date(2027, 6, 11), True, id="day-after-window-opens"),
        pytest.param(MALE, date(1970, 12, 10), date(2032, 6, 9), True, id="day-before-retirement"),
        pytest.param(MALE, date(1970, 12, 10), date(2032, 6, 10), False, id="retirement-day"),
        pytest.param(MALE, date(1970, 12, 10), date(2035, 1, 1), False, id="after-retirement"),
        # Man born 1965-01-31 retires 2025-02-28 (clamped); the window opens 2020-02-28, not 2020-02-29.
        pytest.param(MALE, date(1965, 1, 31), date(2020, 2, 27), False, id="clamped-day-before-window"),
        pytest.param(MALE, date(1965, 1, 31), date(2020, 2, 28), True, id="clamped-first-day-of-window"),
        # Man born 1964-02-29 retires 2024-02-29; 5 years earlier has no 29 February: the window opens 2019-02-28.
        pytest.param(MALE, date(1964, 2, 29), date(2019, 2, 27), False, id="leap-retirement-day-before-window"),
        pytest.param(MALE, date(1964, 2, 29), date(2019, 2, 28), True, id="leap-retirement-first-day-of-window"),
    ],
)
def test_within_five_years_of_retirement(category, birth_date, on, expected):
    assert within_years_of_retirement(birth_date=birth_date, category=category, on=on, years=5) is expected


def test_window_start_lands_on_29_february_when_it_exists():
    # Man born 1964-02-29 retires 2024-02-29; 4 years earlier, 2020-02-29, exists.
    birth_date = date(1964, 2, 29)
    assert not within_years_of_retirement(birth_date=birth_date, category=MALE, on=date(2020, 2, 28), years=4)
    assert within_years_of_retirement(birth_date=birth_date, category=MALE, on=date(2020, 2, 29), years=4)


def test_zero_year_window_is_empty():
    birth_date = date(1970, 12, 10)
    assert not within_years_of_retirement(birth_date=birth_date, category=MALE, on=date(2032, 6, 9), years=0)
    assert not within_years_of_retirement(birth_date=birth_date, category=MALE, on=date(2032, 6, 10), years=0)


def test_negative_years_is_refused():
    with pytest.raises(ValueError, match="years must not be negative"):
        within_years_of_retirement(birth_date=date(1970, 6, 10), category=MALE, on=date(2030, 1, 1), years=-1)


@pytest.mark.parametrize(
    ("category", "born", "expected"),
    [
        pytest.param("male", (1970, 12), (61, 6), id="str-male"),
        pytest.param("female_55", (1975, 12), (56, 6), id="str-female_55"),
        pytest.param("female_50", (1979, 12), (52, 6), id="str-female_50"),
    ],
)
def test_category_accepts_the_facts_json_strings(category, born, expected):
    assert retirement_age(birth_date=date(*born, 1), category=category) == expected


@pytest.mark.parametrize(
    "category",
    [
        pytest.param("female", id="female-without-post"),
        pytest.param("MALE", id="enum-name-not-value"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
@pytest.mark.parametrize(
    "function",
    [
        pytest.param(retirement_age, id="retirement_age"),
        pytest.param(retirement_date, id="retirement_date"),
        pytest.param(retirement_month, id="retirement_month"),
    ],
)
def test_unknown_category_is_refused(function, category):
    with pytest.raises(ValueError, match="Unknown retirement category"):
        function(birth_date=date(1970, 1, 1), category=category)


def test_unknown_category_is_refused_by_the_window_check():
    with pytest.raises(ValueError, match="Unknown retirement category 'female'"):
        within_years_of_retirement(birth_date=date(1970, 1, 1), category="female", on=date(2030, 1, 1), years=5)


@pytest.mark.parametrize(
    ("sex", "expected"),
    [
        pytest.param("M", RetirementCategory.MALE, id="man-is-male"),
        pytest.param("F", None, id="woman-depends-on-post"),
    ],
)
def test_default_category(sex, expected):
    assert default_category(sex=sex) is expected


@pytest.mark.parametrize("sex", [pytest.param("m", id="lowercase"), pytest.param("", id="empty")])
def test_default_category_refuses_unknown_sex(sex):
    with pytest.raises(ValueError, match="Unknown sex"):
        default_category(sex=sex)


def test_category_values_are_the_facts_json_values():
    assert [c.value for c in RetirementCategory] == ["male", "female_50", "female_55"]


@pytest.mark.parametrize(
    ("on", "within", "less_than"),
    [
        # a man born 1970-03-15 retires 2031-07-15; on 2026-07-15 exactly 5 years are left
        (date(2026, 7, 14), False, False),
        (date(2026, 7, 15), True, False),  # 5年以内 includes the number; 不足5年 does not
        (date(2026, 7, 16), True, True),
        (date(2031, 7, 14), True, True),
        (date(2031, 7, 15), False, False),  # retired
    ],
)
def test_within_and_less_than_five_years_differ_on_the_day_exactly_five_years_before(on, within, less_than):
    """《民法典》第一千二百五十九条: 以内 includes the number, 不满/不足 does not (benefits/rules/counting.py)."""
    birth_date = date(1970, 3, 15)
    assert within_years_of_retirement(birth_date=birth_date, category=MALE, on=on, years=5) is within
    assert less_than_years_to_retirement(birth_date=birth_date, category=MALE, on=on, years=5) is less_than
