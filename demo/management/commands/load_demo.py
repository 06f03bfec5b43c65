from django.core.management.base import BaseCommand

from demo.data import DEMO_PASSWORD, DEMO_USERS
from demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo data built from the seed documents (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not options["quiet_logins"]:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, name, _dept, roles, _mobile in DEMO_USERS:
                self.stdout.write(f"  {username:<12} {name}  {', '.join(roles)}")
            self.stdout.write(f"  {'admin':<12} 系统管理员  admin")
