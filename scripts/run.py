"""`make run`: find (or start) PostgreSQL and Redis, migrate, seed the demo, and run
the web server with a Celery worker and beat until Ctrl+C.

PostgreSQL: DATABASE_URL, else 127.0.0.1:5432; where none answers, an embedded
server from the `pgserver` package in var/pgdata. Redis: REDIS_URL, else
127.0.0.1:6379; where none answers, tasks run eagerly in the web process and the
cache is in memory (said on start).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lk_tp"


def say(message):
    print(f"==> {message}", flush=True)


def postgres_url() -> str:
    import psycopg2

    url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    parsed = urlparse(url)
    admin_url = parsed._replace(path="/postgres").geturl()
    try:
        psycopg2.connect(admin_url, connect_timeout=3).close()
    except psycopg2.OperationalError:
        where = f"{parsed.hostname}:{parsed.port}"
        say(f"PostgreSQL не отвечает по адресу {where}; запускаю встроенный (pgserver)")
        subprocess.run([PY, "-m", "pip", "install", "--quiet", "pgserver==0.1.4"], check=True)
        import pgserver

        server = pgserver.get_server(str(ROOT / "var" / "pgdata"), cleanup_mode=None)
        admin_url = server.get_uri()
        url = server.get_uri("lk_tp")
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        name = urlparse(url).path.lstrip("/")
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return url


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def main():
    if not port_is_free(8000):
        sys.exit("Порт 8000 занят другим процессом: остановите его и запустите make run снова.")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev", PYTHONUNBUFFERED="1")
    env["DATABASE_URL"] = postgres_url()
    redis_url = env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    with_redis = redis_answers(redis_url)
    if not with_redis:
        say("Redis не отвечает: задачи выполняются сразу в веб-процессе, кэш в памяти")
        env["LK_WITHOUT_REDIS"] = "1"

    manage = [PY, str(ROOT / "manage.py")]
    say("Миграции (общая схема, шаблон, сетевые организации)")
    subprocess.run([*manage, "migrate_platform", "-v0"], env=env, check=True, cwd=ROOT)
    say("Демо-данные")
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT)

    processes = [subprocess.Popen([*manage, "runserver", "0.0.0.0:8000"], env=env, cwd=ROOT)]
    if with_redis:
        celery = [PY, "-m", "celery", "-A", "config"]
        processes.append(
            subprocess.Popen([*celery, "worker", "-l", "INFO", "-c", "2"], env=env, cwd=ROOT)
        )
        processes.append(
            subprocess.Popen(
                [*celery, "beat", "-l", "INFO", "-s", str(ROOT / "var" / "celerybeat-schedule")],
                env=env,
                cwd=ROOT,
            )
        )

    time.sleep(2)
    print(
        """
  Личный кабинет запущен (демо-данные; пароль demo-password-1 только для демонстрации):

  Консоль оператора платформы:          http://localhost:8000/platform/
      оператор  operator@example.com, одноразовый код: .venv/bin/python manage.py demo_totp
  ООО "Сетевая организация":            http://demo.localhost:8000/
      админ     admin@demo.example.com
      заявитель applicant@demo.example.com
  АО "Вторая электросетевая компания":  http://demo2.localhost:8000/
      админ     admin@demo2.example.com
      заявитель applicant@demo2.example.com

  Остановить: Ctrl+C
""",
        flush=True,
    )

    def stop(*_):
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    stop()


if __name__ == "__main__":
    main()
