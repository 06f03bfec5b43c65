"""Read settings from environment variables; a bad value stops start-up naming the variable."""

import datetime
import os
import secrets
import tempfile
from pathlib import Path
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
    if scheme not in ("redis", "rediss", "sentinel", "filesystem", "amqp", "sqla+sqlite", "memory"):
        return _fail(
            name,
            value,
            "a broker URL: redis://host:6379/0, sentinel://host:26379;sentinel://... or filesystem://",
        )
    return value


def read_or_create_secret_key(path):
    """The secret key stored in ``path``; the first start writes a random one there (mode 0600).

    Processes that start together (web, worker, beat) agree on one key: each writes a private
    temporary file and hard-links it into place, so exactly one wins and nobody reads a half-written
    key.
    """
    path = Path(path)
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
            try:
                os.fchmod(handle, 0o600)
                with os.fdopen(handle, "w") as file:
                    file.write(secrets.token_urlsafe(64) + "\n")
                try:
                    os.link(temporary, path)
                except FileExistsError:
                    pass  # another process created it first: use theirs
            finally:
                os.unlink(temporary)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Environment variable SECRET_KEY is not set and the key file {path} cannot be created "
                f"({exc}): set SECRET_KEY or make VAR_DIR writable."
            ) from exc
    try:
        key = path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Environment variable SECRET_KEY is not set and the key file {path} cannot be read ({exc})."
        ) from exc
    if not key:
        raise ImproperlyConfigured(
            f"The key file {path} is empty: delete it to have a new key generated, or set SECRET_KEY."
        )
    return key
