"""Read settings from environment variables; a bad value stops start-up naming the variable."""

import datetime
import os
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _fail(name, value, expected):
    raise ImproperlyConfigured(f"Environment variable {name}={value!r} is invalid: expected {expected}.")


def get_str(name, default):
    return os.environ.get(name, default)


def get_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return _fail(name, value, "one of 1/0, true/false, yes/no, on/off")


def get_int(name, default, *, minimum=None):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        return _fail(name, value, "an integer")
    if minimum is not None and number < minimum:
        return _fail(name, value, f"an integer >= {minimum}")
    return number


def get_time(name, default):
    """A time of day written HH:MM, e.g. 08:30."""
    value = os.environ.get(name, default)
    try:
        return datetime.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        return _fail(name, value, "a time of day such as 08:30")


def get_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def get_choice(name, default, choices):
    value = os.environ.get(name, default)
    if value not in choices:
        return _fail(name, value, "one of " + ", ".join(sorted(choices)))
    return value


def get_database(name, default):
    value = os.environ.get(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        return _fail(name, value, f"a database URL such as postgres://user@host:5432/db ({exc})")
    if not config.get("ENGINE"):
        return _fail(name, value, "a database URL with a supported scheme")
    return config


def get_cache(name, default):
    """Map a cache URL to Django's CACHES entry: redis://, db://<table>, locmem://."""
    value = os.environ.get(name, default)
    url = urlparse(value)
    if url.scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
    if url.scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url.netloc or "django_cache",
        }
    if url.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return _fail(name, value, "a cache URL: redis://host:6379/1, db://table or locmem://")


def get_broker(name, default):
    value = os.environ.get(name, default)
    scheme = urlparse(value).scheme
    if scheme not in ("redis", "rediss", "filesystem", "amqp", "sqla+sqlite", "memory"):
        return _fail(name, value, "a broker URL: redis://host:6379/0 or filesystem://")
    return value
