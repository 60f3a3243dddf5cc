"""``python manage.py bench NAME [options]``: measure the figures the issues name and print them as JSON.

Benchmarks live in each app's ``bench`` package, one module each, defining ``NAME``, ``add_arguments(parser)``
and ``run(**options) -> dict``. Record the printed figures in docs/benchmarks.md.
"""

import importlib
import json
import pkgutil

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


def discover() -> dict:
    found = {}
    for config in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{config.name}.bench")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if hasattr(module, "NAME"):
                found[module.NAME] = module
    return found


class Command(BaseCommand):
    help = "Run a benchmark and print its figures as JSON (see docs/benchmarks.md)."

    def add_arguments(self, parser):
        self.benchmarks = discover()
        sub = parser.add_subparsers(dest="benchmark", metavar="NAME")
        for name, module in sorted(self.benchmarks.items()):
            module.add_arguments(sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0]))

    def handle(self, *args, benchmark=None, **options):
        if benchmark not in self.benchmarks:
            raise CommandError(f"Name a benchmark: {', '.join(sorted(self.benchmarks)) or '(none yet)'}")
        result = self.benchmarks[benchmark].run(**options)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
