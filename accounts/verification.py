"""One-time codes: made with ``secrets``, kept only as a keyed digest (HMAC with the secret key), compared in
constant time. Used for the registration code sent by SMS and, in casework, for the claim codes."""

import hmac
import re
import secrets

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def check_mobile(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE_RE.match(number):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13 to 19."), code="phone")
    return number


# A claim code is read aloud and typed from paper: no 0/O, 1/I/L.
CLAIM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def numeric_code(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def claim_code(length: int = 8) -> str:
    return "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(length))


def normalise_claim_code(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def digest(code: str, *, purpose: str) -> str:
    return salted_hmac(f"casework.verification.{purpose}", code, algorithm="sha256").hexdigest()


def matches(stored_digest: str, code: str, *, purpose: str) -> bool:
    return hmac.compare_digest(stored_digest, digest(code, purpose=purpose))
