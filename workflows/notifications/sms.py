"""The SMS channel behind a small interface.

``SMS_BACKEND`` names the class. The default writes each message to the log; ``HttpSmsBackend``
posts it to a JSON gateway (``SMS_GATEWAY_URL``, ``SMS_GATEWAY_TOKEN``). A deployment whose
operator speaks another protocol adds a subclass of ``SmsBackend`` and names it in the setting.
"""

import abc
import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, *, mobile, text, idempotency_key):
        """Hand one message to the operator; raise on failure.

        ``idempotency_key`` is the same every time the same message is retried, so a gateway
        that accepts a client request id can drop a repeat.
        """


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log instead of sending it (the default)."""

    def send(self, *, mobile, text, idempotency_key):
        logger.info("SMS to %s [%s]: %s", mobile, idempotency_key, text)


class HttpSmsBackend(SmsBackend):
    """POSTs ``{"mobile", "text", "request_id"}`` as JSON with a bearer token; any 2xx is success."""

    def send(self, *, mobile, text, idempotency_key):
        payload = json.dumps({"mobile": mobile, "text": text, "request_id": idempotency_key}).encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": idempotency_key,
            },
        )
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
            response.read()


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
