"""Reading the project's YAML files (the policy catalogue, parameters, registers, rules' tables, demo plans) with
libyaml's C loader where PyYAML has it (several times faster than the pure-Python one on the catalogue), the same
safe subset either way."""

from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)


def parse_yaml(text: str):
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
