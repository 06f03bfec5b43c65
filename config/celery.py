import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery tasks live in each app's jobs.py: in this project a "task" is a step of a flow.
app.autodiscover_tasks(related_name="jobs")
