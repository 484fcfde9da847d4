import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khoithidua.settings")

app = Celery("khoithidua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "remind-unsigned-pledges": {
        "task": "campaigns.tasks.remind_unsigned_pledges_task",
        "schedule": crontab(hour=8, minute=0),
    },
}
