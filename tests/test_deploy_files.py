"""The production shape (docker-compose.yml, Procfile) names only things that exist.
Docker cannot run here, so the files are checked, not started."""

from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]


def procfile():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip())


def test_procfile_names_web_worker_beat_and_release():
    entries = procfile()
    assert set(entries) == {"web", "worker", "beat", "release"}
    assert "gunicorn config.wsgi" in entries["web"]
    assert "celery -A config worker" in entries["worker"]
    assert "celery -A config beat" in entries["beat"]
    assert "manage.py migrate_platform" in entries["release"]


def test_release_command_exists():
    assert "migrate_platform" in get_commands()


def test_docker_compose_is_valid_and_complete():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "minio", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["AWS_STORAGE_BUCKET_NAME"]
        assert "depends_on" in services[name]
    assert "gunicorn config.wsgi" in " ".join(services["web"]["command"])
    assert (ROOT / services["web"]["build"]["dockerfile"]).exists()


def test_wsgi_and_celery_entry_points_import():
    import importlib

    assert importlib.import_module("config.celery").app.main == "lk"
    assert "application" in (ROOT / "config" / "wsgi.py").read_text()


def test_sentry_is_enabled_only_when_a_dsn_is_given():
    import os
    import subprocess
    import sys

    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev';"
        "import django; django.setup(); import sentry_sdk;"
        "print(sentry_sdk.get_client().is_active())"
    )

    def active(**env):
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return result.stdout.strip().splitlines()[-1]

    assert active(SENTRY_DSN="") == "False"
    assert active(SENTRY_DSN="https://public@sentry.example.invalid/1") == "True"
