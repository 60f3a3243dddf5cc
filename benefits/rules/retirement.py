"""Statutory retirement age and date (法定退休年龄) under the gradual raise in force since 2025-01-01.

Policy basis: 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (NPC Standing Committee, 2024-09-13) and
its annex 《国务院关于渐进式延迟职工法定退休年龄的办法》, article 1 and the three month-by-month tables
(附件 1-3, 对照表). Men and women whose original age was 55 gain one month per four months of birth cohort, up to
63 and 58; women whose original age was 50 gain one month per two months, up to 55. People born before the first
cohort keep the original age (60 / 55 / 50). This is the statutory age only: flexible early or late retirement
(弹性退休, article 2) and special occupations (国家另有规定的，从其规定) are not modelled here.

Decisions the tables leave open, taken here:

* The tables give a retirement *month* (birth month plus the age). The retirement *date* is the birth date plus the
  age in years and months, on the same day of the month; when that day does not exist in the target month (born on
  the 31st, or on 29 February), it is the last day of that month. The month therefore always matches the tables.
* "Within N years of retirement" starts on the retirement date minus N calendar years, with the same day-of-month
  rule (so a retirement date of 2025-02-28 gives a 5-year window from 2020-02-28, not 2020-02-29).
* For women the category (original age 50 for workers, 55 for cadres / management and technical posts) is a fact the
  caseworker gives; it is not derived from sex.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.dates import add_months

from .counting import at_least, more_than

__all__ = [
    "RetirementCategory",
    "default_category",
    "less_than_years_to_retirement",
    "retirement_age",
    "retirement_date",
    "retirement_month",
    "within_years_of_retirement",
]


class RetirementCategory(StrEnum):
    """The person's retirement category; the values are those the facts JSON carries."""

    MALE = "male"  # 男职工, original age 60
    FEMALE_50 = "female_50"  # 原法定退休年龄为五十周岁的女职工 (female workers)
    FEMALE_55 = "female_55"  # 原法定退休年龄为五十五周岁的女职工 (female cadres, management and technical posts)


@dataclass(frozen=True, slots=True)
class _Schedule:
    original_age_years: int
    first_cohort: tuple[int, int]  # (year, month) of birth of the first cohort whose age is raised
    step_months: int  # months of birth cohort per month of delay
    max_delay_months: int


# 办法 article 1 and annex tables 1-3.
_SCHEDULES: dict[RetirementCategory, _Schedule] = {
    RetirementCategory.MALE: _Schedule(
        original_age_years=60, first_cohort=(1965, 1), step_months=4, max_delay_months=36
    ),  # 60 -> 63, final age from those born 1976-09
    RetirementCategory.FEMALE_55: _Schedule(
        original_age_years=55, first_cohort=(1970, 1), step_months=4, max_delay_months=36
    ),  # 55 -> 58, final age from those born 1981-09
    RetirementCategory.FEMALE_50: _Schedule(
        original_age_years=50, first_cohort=(1975, 1), step_months=2, max_delay_months=60
    ),  # 50 -> 55, final age from those born 1984-11
}


def _as_category(category: RetirementCategory | str) -> RetirementCategory:
    try:
        return RetirementCategory(category)
    except ValueError:
        allowed = ", ".join(repr(c.value) for c in RetirementCategory)
        raise ValueError(f"Unknown retirement category {category!r}; expected one of {allowed}.") from None


def _delay_months(*, birth_date: date, schedule: _Schedule) -> int:
    start_year, start_month = schedule.first_cohort
    since_start = (birth_date.year - start_year) * 12 + (birth_date.month - start_month)
    if since_start < 0:
        return 0
    return min(schedule.max_delay_months, since_start // schedule.step_months + 1)


def _age_in_months(*, birth_date: date, category: RetirementCategory | str) -> int:
    schedule = _SCHEDULES[_as_category(category)]
    return schedule.original_age_years * 12 + _delay_months(birth_date=birth_date, schedule=schedule)


def retirement_age(*, birth_date: date, category: RetirementCategory | str) -> tuple[int, int]:
    """Statutory retirement age as (years, months), by birth month and category.

    办法 article 1 and annex tables 1-3: e.g. a man born in January 1965 retires at 60 years 1 month, one born in
    September 1976 or later at 63.
    """
    return divmod(_age_in_months(birth_date=birth_date, category=category), 12)


def retirement_date(*, birth_date: date, category: RetirementCategory | str) -> date:
    """The day the person reaches the statutory retirement age (办法 article 1, annex tables 1-3).

    Birth date plus the retirement age, same day of the month, or the last day of the month when it does not exist.
    """
    return add_months(birth_date, _age_in_months(birth_date=birth_date, category=category))


def retirement_month(*, birth_date: date, category: RetirementCategory | str) -> tuple[int, int]:
    """(year, month) in which the statutory retirement age is reached: the 改革后退休时间 column of the annex tables.

    The basic pension is paid from the month after.
    """
    day = retirement_date(birth_date=birth_date, category=category)
    return day.year, day.month


def default_category(*, sex: str) -> RetirementCategory | None:
    """The category implied by sex alone: "M" is always MALE; for "F" it is None.

    A woman's category depends on her post (原法定退休年龄 50 or 55), a fact the caseworker must give; rules that
    need it report it as missing rather than guess.
    """
    if sex == "M":
        return RetirementCategory.MALE
    if sex == "F":
        return None
    raise ValueError(f"Unknown sex {sex!r}; expected 'M' or 'F'.")


def within_years_of_retirement(*, birth_date: date, category: RetirementCategory | str, on: date, years: int) -> bool:
    """距法定退休年龄N年以内 / N年时 (the number included, counting.py): True when `on` falls in
    [retirement date - `years` calendar years, retirement date).

    The window opens on the retirement date minus `years` years, with the same day-of-month rule as the retirement
    date, and closes the day before the retirement date (e.g. 大连（十五）'s "距法定退休年龄1年时": the last year).
    """
    if years < 0:
        raise ValueError(f"years must not be negative, got {years}.")
    retires_on = retirement_date(birth_date=birth_date, category=category)
    return at_least(on, add_months(retires_on, -12 * years)) and on < retires_on


def less_than_years_to_retirement(
    *, birth_date: date, category: RetirementCategory | str, on: date, years: int
) -> bool:
    """距法定退休年龄不足N年 (the number excluded, counting.py): True when less than `years` calendar years are left
    on `on`, i.e. `on` falls after the retirement date minus `years` years and before the retirement date. On the
    day exactly `years` years before, `years` years are left: not 不足 (大连（十五）'s extension to retirement)."""
    if years < 0:
        raise ValueError(f"years must not be negative, got {years}.")
    retires_on = retirement_date(birth_date=birth_date, category=category)
    return more_than(on, add_months(retires_on, -12 * years)) and on < retires_on
