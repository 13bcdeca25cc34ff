"""``vegvis demo``: fill the database with realistic synthetic data, and one demo user per role (dev only).

Every module contributes through its own ``demo.py`` (a ``populate(context)`` function), in the order of
INSTALLED_APPS. ``--cases N`` sets how many treatment-abroad cases to generate (bulk inserts at scale).
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vegvis.access.commands import command_principal
from vegvis.core.demo import DEMO_PASSWORD, DemoContext


class Command(BaseCommand):
    help = "Fill the database with synthetic demo data (and demo users in the dev profile)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=150, help="treatment-abroad cases to create (default 150)")
        parser.add_argument("--seed", type=int, default=2020, help="random seed, for the same data every time")
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument("--again", action="store_true", help="add more demo cases even if some exist")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.VEGVIS_ALLOW_SYNTHETIC_IDS:
            raise CommandError(_("Demo data uses synthetic national ids; set VEGVIS_ALLOW_SYNTHETIC_IDS=1."))
        principal = command_principal(None, "")
        context = DemoContext(
            principal=principal,
            seed=options["seed"],
            cases=options["cases"],
            with_users=settings.VEGVIS_DEMO_USERS,
            out=None if options["quiet"] else self.stdout,
        )
        context.shared["again"] = options["again"]
        for config in apps.get_app_configs():
            if not config.name.startswith("vegvis."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.populate(context)
        if context.users and not options["quiet"]:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(_("Demo users (password for all: %(pw)s):") % {"pw": DEMO_PASSWORD}))
            for username, description in context.users:
                self.stdout.write(f"  {username:<28} {description}")
