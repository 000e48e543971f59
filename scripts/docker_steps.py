"""The Dockerfile's pip steps as shell commands, for running them on the host (no container engine).

``python scripts/docker_steps.py builder|runtime WHEELHOUSE`` prints the stage's ``pip`` commands
(after the ``# builder: wheels`` or ``# runtime: install`` comment), continuation lines joined, the
``RUN`` and ``--mount`` parts dropped and ``/wheels`` replaced by ``WHEELHOUSE``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"
MARKERS = {"builder": "# builder: wheels", "runtime": "# runtime: install"}


def run_instruction(stage: str, dockerfile: Path = DOCKERFILE) -> str:
    """The ``RUN`` instruction after the stage's marker comment, as one line."""
    lines = dockerfile.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(MARKERS[stage]))
    joined: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("#") and not joined:
            continue
        joined.append(line.rstrip().removesuffix("\\").strip())
        if not line.rstrip().endswith("\\"):
            break
    return " ".join(joined)


def pip_commands(stage: str, wheelhouse: str, dockerfile: Path = DOCKERFILE) -> list[str]:
    """The instruction's ``pip …`` commands (split at ``&&``), ``/wheels`` → ``wheelhouse``."""
    body = re.sub(r"^RUN\s+(--mount=\S+\s+)*", "", run_instruction(stage, dockerfile))
    commands = [c.strip() for c in body.split("&&")]
    if not all(c.startswith("pip ") for c in commands):
        raise SystemExit(f"the {stage} step is not only pip commands: {body}")
    return [re.sub(r"(?<![\w/])/wheels\b", wheelhouse, c) for c in commands]


if __name__ == "__main__":
    stage, wheelhouse = sys.argv[1], sys.argv[2]
    print("\n".join(pip_commands(stage, wheelhouse)))
