from django.core.management.base import BaseCommand

from workflows.escalation.dispatcher import timers_fire


class Command(BaseCommand):
    help = "Fire every due workflow timer once (after an outage, or from a script); safe beside Celery beat."

    def handle(self, *args, **options):
        fired = timers_fire()
        self.stdout.write(f"{fired} timer(s) fired.")
