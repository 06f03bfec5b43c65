"""The product's settings, plus the ``tests`` package as an app so that flows defined in tests
(a dummy second process for the registry) can be stored by viewflow like any other."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests"]
