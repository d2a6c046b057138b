import subprocess
import sys

import pytest

from bot.config import ConfigError, for_admin, from_env
from casework.db import normalize_url

SECRETS = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "KAEJON_SECRET_KEY": "k"}


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_a_missing_secret_stops_start_up_naming_it(missing):
    env = {k: v for k, v in SECRETS.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        from_env(env)


def test_demo_mode_runs_without_secrets():
    settings = from_env({"KAEJON_DEMO": "1", "KAEJON_STANDIN_URL": "http://127.0.0.1:8081/"})
    assert settings.demo and settings.channel_secret and settings.secret_key
    assert settings.line_api_endpoint == "http://127.0.0.1:8081"
    assert settings.simulator_enabled


def test_outside_demo_there_is_no_simulator():
    assert not from_env({**SECRETS, "KAEJON_STANDIN_URL": "http://x"}).simulator_enabled


def test_every_process_and_the_command_line_read_kaejon_rules_at_start(tmp_path):
    assert from_env({**SECRETS, "KAEJON_RULES": str(tmp_path)}).rules_dir == str(tmp_path)
    assert for_admin({"KAEJON_SECRET_KEY": "k", "KAEJON_RULES": str(tmp_path)}).rules_dir == str(tmp_path)
    assert for_admin({"KAEJON_SECRET_KEY": "k"}).rules_dir is None  # the shipped rules
    with pytest.raises(ConfigError, match="KAEJON_RULES is not a directory"):
        for_admin({"KAEJON_SECRET_KEY": "k", "KAEJON_RULES": str(tmp_path / "missing")})


def test_the_default_database_is_a_sqlite_file():
    assert from_env(SECRETS).database_url == "sqlite:///kaejon.db"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u:p@h/db?sslmode=require", "postgresql+psycopg://u:p@h/db?sslmode=require"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_as_platforms_hand_them_out(given, expected):
    assert normalize_url(given) == expected


def test_a_number_that_is_not_one_is_a_clear_error():
    with pytest.raises(ConfigError, match="not a number"):
        from_env({**SECRETS, "PORT": "eighty"})


def test_the_worker_refuses_to_start_without_secrets_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from bot.commands import main; main()", "worker"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/k.db"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "kaejon: LINE_CHANNEL_SECRET is not set; Kaejon cannot start without it (see README)."
    ]


def test_the_web_refuses_to_start_without_secrets_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import bot.wsgi"],
        env={"PATH": "/usr/bin:/bin", "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "kaejon: KAEJON_SECRET_KEY is not set; Kaejon cannot start without it (see README)."
    ]
