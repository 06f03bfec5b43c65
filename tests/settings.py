"""The product's settings, plus the ``tests`` package as an app so that flows defined in tests
(a dummy second process for the registry) can be stored by viewflow like any other."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests"]

# The production settings (DEBUG off), except what plain HTTP and uncollected static files need:
# the test client and the live server speak plain HTTP, and the suite does not run collectstatic
# (tests/config/test_production_server.py runs the real production path in its own process).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves the static files straight from the apps' folders
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# each test builds its own world: the dashboard computes its figures every time
# (tests/dashboard/test_views.py turns the cache on where it tests it)
DASHBOARD_CACHE_SECONDS = 0
