from django.core.management.base import BaseCommand, CommandError

from workflows.escalation.dispatcher import TimersDeferred, timers_fire


class Command(BaseCommand):
    help = "Fire every due workflow timer once (after an outage, or from a script); safe beside Celery beat."

    def handle(self, *args, **options):
        try:
            fired = timers_fire()
        except TimersDeferred as deferred:
            # the database stayed busy: what was not fired is still due for the next pass
            raise CommandError(
                f"{deferred.fired} timer(s) fired, then the database was busy ({deferred}); run it again."
            ) from deferred
        self.stdout.write(f"{fired} timer(s) fired.")
