"""Demo data of the policy engine: demo values for the parameters the documents leave open, clearly marked as
demo, so the demo shows amounts. Called by ``bootstrap_demo`` only (never in production)."""

from .services import demo_parameters_load


def bootstrap(*, logins=()) -> dict:
    return {"demo_parameter_values": demo_parameters_load()}
