"""Acceptance 1: 11010519491231002X is accepted, every single-character change of it is rejected with a clear
message, and birth date and sex are derived; masking."""

import datetime
import string

import pytest
from django.core.exceptions import ValidationError

from casework.identity import check_id_number, check_mobile, check_uscc, mask_id_number, mask_phone

GOOD = "11010519491231002X"


def test_the_reference_number_is_accepted_with_its_facts():
    info = check_id_number(GOOD)
    assert info.number == GOOD
    assert info.birth_date == datetime.date(1949, 12, 31)
    assert info.sex == "F"  # the 17th digit, 2, is even
    assert info.region_known is True


def test_lower_case_x_and_spaces_are_normalised():
    assert check_id_number(" 11010519491231002x ").number == GOOD


def single_character_changes():
    for position in range(len(GOOD)):
        for character in string.digits + "X":
            if character != GOOD[position]:
                yield GOOD[:position] + character + GOOD[position + 1 :]


def test_every_single_character_change_is_rejected_with_a_message():
    changes = list(single_character_changes())
    assert len(changes) == 18 * 10
    for changed in changes:
        with pytest.raises(ValidationError) as error:
            check_id_number(changed)
        assert error.value.messages and error.value.messages[0], changed


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "length"),
        ("11010519491231002XX", "length"),
        ("1101051949123100AX", "format"),
        ("110105194912310021", "checksum"),
        ("110105194902300020", "birth_date"),  # 30 February, with a correct check digit
    ],
)
def test_each_failure_has_its_own_reason(number, code):
    from stdnum.cn import ric

    if code == "birth_date":
        number = number[:17] + ric.calc_check_digit(number)
    with pytest.raises(ValidationError) as error:
        check_id_number(number)
    assert error.value.code == code


def test_a_birth_date_in_the_future_is_rejected():
    from stdnum.cn import ric

    body = "11010520991231002"
    with pytest.raises(ValidationError) as error:
        check_id_number(body + ric.calc_check_digit(body + "0"), today=datetime.date(2026, 11, 21))
    assert error.value.code == "birth_date"


def test_an_unknown_region_is_flagged_not_rejected():
    from stdnum.cn import ric

    body = "99999919900101001"
    info = check_id_number(body + ric.calc_check_digit(body + "0"))
    assert info.region_known is False


def test_uscc_and_mobile():
    assert check_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(ValidationError):
        check_uscc("91110000600037341M")
    assert check_mobile("138 1234 1234") == "13812341234"
    with pytest.raises(ValidationError):
        check_mobile("12812341234")


def test_masks():
    assert mask_id_number(GOOD) == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("") == mask_phone("") == ""
