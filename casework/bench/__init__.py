"""Benchmarks of the registers, run by ``manage.py bench NAME``. Each module defines NAME, add_arguments(parser)
and run(**options) -> dict (the figures, printed as JSON)."""
