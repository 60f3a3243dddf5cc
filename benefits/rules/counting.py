"""The counting words of Chinese legal texts, one helper per meaning, so that a rule says which word its clause
uses (docs/policy-decisions.md "Counting words").

《中华人民共和国民法典》第一千二百五十九条: 民法所称的"以上""以下""以内""届满"，包括本数；所称的"不满""超过""以外"，
不包括本数. The policy documents also write 不超过、最高、最长 (at most: the number included) and 不足、未满、低于
(fewer than: the number excluded). Works for numbers and for dates (a later day is the larger)."""


def at_least(value, number) -> bool:
    """以上, 届满: the number itself counts (年满16周岁以上 on the 16th birthday)."""
    return value >= number


def at_most(value, number) -> bool:
    """以下, 以内, 不超过, 最高, 最长: the number itself counts."""
    return value <= number


def more_than(value, number) -> bool:
    """超过, 以外: the number itself does not count."""
    return value > number


def less_than(value, number) -> bool:
    """不足, 未满, 不满, 低于: the number itself does not count (5 years left is not 不足5年)."""
    return value < number
