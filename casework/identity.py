"""ID numbers, credit codes and phone numbers: validation (python-stdnum) and server-side masking.

``check_id_number`` follows GB 11643 through python-stdnum's ``cn.ric`` step by step so each failure gets its
own message, and so that an unknown region code is *flagged* rather than rejected: stdnum's own ``validate``
refuses it, and also refuses a region that did not exist in the birth year, which is wrong for numbers that
carry the place of registration (110105 朝阳区 dates from 1958; people born in 1949 have it).
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from accounts.verification import MOBILE_RE, check_mobile  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region_known: bool


def check_id_number(value: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate a resident ID number; return it normalised with the facts it carries."""
    # ASCII letters and digits are what python-stdnum's compact() leaves as they are but for the case: skip its
    # character-by-character clean-up for them (an import checks 100,000 numbers)
    number = value.upper() if value and value.isascii() and value.isalnum() else ric.compact(value or "")
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(n)d."), code="length", params={"n": len(number)}
        )
    # ASCII digits only: str.isdigit() also takes "²", which int() (and the check digit) cannot read
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check digit of this ID number is wrong: a character was mistyped."), code="checksum"
        )
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID number (%(date)s) does not exist."),
            code="birth_date",
            params={"date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"},
        ) from None
    today = today or datetime.date.today()
    if not datetime.date(1900, 1, 1) <= birth_date <= today:
        raise ValidationError(
            _("The birth date in this ID number (%(date)s) is not possible."),
            code="birth_date",
            params={"date": birth_date.isoformat()},
        )
    region_known = _region_known(number[:6])
    return IdNumber(
        number=number, birth_date=birth_date, sex="M" if int(number[16]) % 2 else "F", region_known=region_known
    )


@functools.lru_cache(maxsize=8192)
def _region_known(prefix: str) -> bool:
    """Whether a GB/T 2260 county-level code is in python-stdnum's table (cached: imports check it per row)."""
    return bool(numdb.get("cn/loc").info(prefix)[-1][1].get("county"))


def check_uscc(value: str) -> str:
    """Validate a unified social credit code (GB 32100); return it normalised."""
    try:
        return uscc.validate(value or "")
    except InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="length") from None
    except InvalidFormat:
        raise ValidationError(
            _("This unified social credit code contains characters it cannot have."), code="format"
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."), code="checksum"
        ) from None


def mask_id_number(number: str) -> str:
    """``11010519491231002X`` → ``110101********002X``: region and last four only."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_account(account: str) -> str:
    """A bank or social-security card account: ``6222021234567890123`` → ``************0123``."""
    if not account:
        return ""
    return "*" * max(len(account) - 4, 4) + account[-4:] if len(account) > 4 else "*" * len(account)


def mask_phone(phone: str) -> str:
    """``13812341234`` → ``138****1234``."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


# An ID number or a mobile number anywhere in a text (a log line, an error message): not part of a longer run of
# digits or letters. A mobile number may carry +86 and be written 3-4-4 with spaces or hyphens.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![0-9])")


def mask_personal_numbers(text: str) -> str:
    """Every ID number and mobile number in ``text`` masked as on the pages (first six and last four of an ID
    number, first three and last four of a mobile number)."""
    text = ID_NUMBER_IN_TEXT.sub(lambda match: mask_id_number(match.group()), text)
    return MOBILE_IN_TEXT.sub(_masked_mobile, text)


def _masked_mobile(match: re.Match) -> str:
    prefix = match.group()[: match.start(1) - match.start()]
    return prefix + mask_phone(re.sub(r"[ -]", "", match.group(1)))
