"""The SMS gateway behind an interface: ``send(number, text)``. No real gateway is wired in; the console backend
writes the message to the log with the number masked, and a deployment names its own backend in
``CASEWORK_SMS_BACKEND`` (a class with that method)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("casework.sms")


class ConsoleSmsBackend:
    """Writes each message to the ``casework.sms`` log instead of sending it."""

    def send(self, number: str, text: str) -> None:
        masked = f"{number[:3]}****{number[-4:]}" if len(number) == 11 else "****"
        logger.info("SMS to %s: %s", masked, text)


def sms_backend():
    return import_string(settings.CASEWORK_SMS_BACKEND)()
