import subprocess
import sys

import pytest

from bot.config import (
    DEMO_LOOKUP_KEYS,
    DEMO_SECRET_KEYS,
    ConfigError,
    for_admin,
    from_env,
)
from casework.db import normalize_url
from tests.keys import NEXT_SECRET_KEY, SECRET_KEYS, TEST_KEYS

SECRETS = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", **TEST_KEYS}


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_a_missing_secret_stops_start_up_naming_it(missing):
    env = {k: v for k, v in SECRETS.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        from_env(env)


def test_demo_mode_runs_without_secrets():
    settings = from_env({"KAEJON_STANDIN_URL": "http://127.0.0.1:8081/"}, demo=True)
    assert settings.demo and settings.channel_secret and settings.secret_keys and settings.lookup_keys
    assert settings.line_api_endpoint == "http://127.0.0.1:8081"
    assert settings.simulator_enabled


def test_outside_demo_there_is_no_simulator():
    assert not from_env({**SECRETS, "KAEJON_STANDIN_URL": "http://x"}).simulator_enabled


def test_every_process_and_the_command_line_read_kaejon_rules_at_start(tmp_path):
    assert from_env({**SECRETS, "KAEJON_RULES": str(tmp_path)}).rules_dir == str(tmp_path)
    assert for_admin({**TEST_KEYS, "KAEJON_RULES": str(tmp_path)}).rules_dir == str(tmp_path)
    assert for_admin(TEST_KEYS).rules_dir is None  # the shipped rules
    with pytest.raises(ConfigError, match="KAEJON_RULES is not a directory"):
        for_admin({**TEST_KEYS, "KAEJON_RULES": str(tmp_path / "missing")})


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
        "kaejon: KAEJON_SECRET_KEYS is not set; Kaejon cannot start without it (see README)."
    ]


# ------------------------------------------------------------------------------ key rings

@pytest.mark.parametrize("weak", [
    "k1:x",                                          # short
    "k1:" + "61" * 32,                               # 32 bytes, all "a"
    "k1:" + "0123" * 16,                             # a pattern, 32 bytes, 2 distinct
    "k1:dGVzdC1zZWNyZXQta2V5",                       # base64 of "test-secret-key"
    "k1:not base64 at all!!",
    ":" + "a1" * 32,                                 # no key id
])
def test_a_short_or_made_up_key_stops_start_up(weak):
    with pytest.raises(ConfigError, match="KAEJON_SECRET_KEYS"):
        from_env({**SECRETS, "KAEJON_SECRET_KEYS": weak})


def test_the_demo_keys_in_the_source_are_refused_outside_the_demo():
    with pytest.raises(ConfigError, match="demo key"):
        from_env({**SECRETS, "KAEJON_SECRET_KEYS": DEMO_SECRET_KEYS})
    with pytest.raises(ConfigError, match="demo key"):
        from_env({**SECRETS, "KAEJON_LOOKUP_KEYS": DEMO_LOOKUP_KEYS})


def test_kaejon_demo_in_the_environment_does_not_switch_production_to_demo_secrets():
    env = {"KAEJON_DEMO": "1", "DATABASE_URL": "postgresql://h/db"}
    with pytest.raises(ConfigError, match="LINE_CHANNEL_SECRET is not set"):
        from_env(env)
    with pytest.raises(ConfigError, match="KAEJON_SECRET_KEYS is not set"):
        for_admin(env)
    assert not from_env(SECRETS).demo


def test_the_lookup_key_is_separate_and_required():
    with pytest.raises(ConfigError, match="KAEJON_LOOKUP_KEYS is not set"):
        from_env({k: v for k, v in SECRETS.items() if k != "KAEJON_LOOKUP_KEYS"})


def test_a_ring_has_a_current_key_and_older_ones_by_id():
    settings = from_env({**SECRETS, "KAEJON_SECRET_KEYS": f"{NEXT_SECRET_KEY},{SECRET_KEYS}"})
    assert [key_id for key_id, _ in settings.secret_keys] == ["t2", "t1"]
    assert all(len(key) == 32 for _, key in settings.secret_keys)
    with pytest.raises(ConfigError, match="twice"):
        from_env({**SECRETS, "KAEJON_SECRET_KEYS": f"{SECRET_KEYS},{SECRET_KEYS}"})


def test_kaejon_keys_new_prints_a_key_the_configuration_accepts():
    from click.testing import CliRunner

    from bot.commands import cli

    result = CliRunner().invoke(cli, ["keys", "new", "--id", "2027a"])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    assert key.startswith("2027a:")
    assert from_env({**SECRETS, "KAEJON_SECRET_KEYS": key}).secret_keys[0][0] == "2027a"


def test_help_on_a_fresh_machine_lists_the_commands_without_an_error(monkeypatch):
    from click.testing import CliRunner

    from bot.commands import cli

    for variable in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "KAEJON_SECRET_KEYS", "KAEJON_LOOKUP_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    shown = CliRunner().invoke(cli, ["--help"])
    assert shown.exit_code == 0
    assert "Error" not in shown.output and "keys" in shown.output and "requeue" in shown.output


def test_the_public_url_for_photo_links_is_https_outside_the_demo():
    assert from_env({**SECRETS, "KAEJON_PUBLIC_URL": "https://kaejon.example.go.th/"}).public_url == \
        "https://kaejon.example.go.th"
    assert from_env(SECRETS).public_url is None
    with pytest.raises(ConfigError, match="KAEJON_PUBLIC_URL"):
        from_env({**SECRETS, "KAEJON_PUBLIC_URL": "http://kaejon.example.go.th"})


@pytest.mark.parametrize("nice", ["-5", "20"])
def test_a_worker_priority_above_the_webs_or_past_nices_range_stops_start_up(nice):
    assert from_env(SECRETS).worker_nice == 10
    with pytest.raises(ConfigError, match="KAEJON_WORKER_NICE"):
        from_env({**SECRETS, "KAEJON_WORKER_NICE": nice})
