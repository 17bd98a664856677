"""Settings: environment parsing, and a production configuration that passes the deploy check."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import database_from_url, env_bool, mailer_from_url
from tests.conftest import PROJECT_DIR

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "Zq8!x@3#vL0pW7^tR2&yN5*uB9(eH4)gJ6",
    "ALLOWED_HOSTS": "rapport.example.com",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.com:587?tls=1",
    "CACHE_URL": "redis://cache.example.com:6379/1",
    "PATH": os.environ.get("PATH", ""),
}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_nothing_silenced():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_shared_cache_is_warned_about_per_process_sessions():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "CACHE_URL"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "rapport.W001" in result.stderr + result.stdout
    assert "a session signed out in one process stays usable" in result.stderr + result.stdout


def test_production_without_secret_key_refuses_to_start():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_checkout_with_no_configuration_runs_its_checks_as_the_embedded_default():
    env = {"PATH": PRODUCTION_ENV["PATH"]}
    assert run_manage("check", env=env).returncode == 0
    result = run_manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr


def test_secret_key_is_read_from_a_file(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(PRODUCTION_ENV["SECRET_KEY"] + "\n")
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**env, "SECRET_KEY_FILE": str(key_file)},
    )
    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql_with_health_checks():
    config = database_from_url("postgres://rapport:p%40ss@db.internal:6432/rapport?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("rapport", "rapport", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6432")
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_no_database_url_means_sqlite_in_wal_mode():
    config = database_from_url("")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_unsupported_database_url_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://localhost/rapport")


def test_email_url_configures_smtp_and_no_url_prints_to_console():
    assert mailer_from_url("")["BACKEND"].endswith("console.EmailBackend")
    options = mailer_from_url("smtp://u:p@mail.example.com:2525?tls=1")["OPTIONS"]
    assert (options["host"], options["port"], options["use_tls"]) == (
        "mail.example.com",
        2525,
        True,
    )


def test_env_bool_rejects_values_that_are_not_booleans(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False
