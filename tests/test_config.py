"""Configuration comes from the environment; with nothing set, a SQLite file in instance/."""

import pytest

from webapp import config


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    for name in list(config.os.environ):
        if name.startswith(("OTAGAI_", "MAIL_", "SIGN")) or name in (
            "DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "SITE_URL",
        ):  # fmt: skip
            monkeypatch.delenv(name)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    return tmp_path / "instance"


def test_with_nothing_set_the_database_is_a_sqlite_file_in_instance(bare_environment):
    assert config.database_url() == f"sqlite:///{bare_environment / 'otagai.sqlite3'}"
    assert config.from_environment() == {}


@pytest.mark.parametrize(
    "given, used",
    [
        ("postgres://u@db/otagai", "postgresql+psycopg://u@db/otagai"),
        ("postgresql://u@db/otagai", "postgresql+psycopg://u@db/otagai"),
        ("postgresql+psycopg://u@db/otagai", "postgresql+psycopg://u@db/otagai"),
        ("sqlite:////srv/otagai.sqlite3", "sqlite:////srv/otagai.sqlite3"),
    ],
)
def test_database_url_from_the_environment(bare_environment, monkeypatch, given, used):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config.database_url() == used


def test_settings_from_the_environment(bare_environment, monkeypatch):
    for name, value in {
        "SECRET_KEY": "k" * 40,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "SIGNIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "SIGNIN_LIMIT_PER_ADDRESS": "50 per hour",
        "OTAGAI_PROXY_COUNT": "1",
        "OTAGAI_DEMO": "1",
        "MAIL_SERVER": "smtp.example.jp",
        "MAIL_PORT": "587",
        "MAIL_USE_TLS": "yes",
        "SITE_URL": "https://otagai.example.jp",
    }.items():
        monkeypatch.setenv(name, value)
    assert config.from_environment() == {
        "SECRET_KEY": "k" * 40,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "SIGNIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "SIGNIN_LIMIT_PER_ADDRESS": "50 per hour",
        "PROXY_COUNT": 1,
        "DEMO_MODE": True,
        "MAIL_SERVER": "smtp.example.jp",
        "MAIL_PORT": 587,
        "MAIL_USE_TLS": True,
        "SITE_URL": "https://otagai.example.jp",
    }


def test_without_a_secret_key_development_keeps_one_in_instance(bare_environment):
    first = config._local_secret_key()
    assert len(first) == 64
    assert (bare_environment / "secret_key").read_text() == first
    assert (bare_environment / "secret_key").stat().st_mode & 0o077 == 0  # owner only
    assert config._local_secret_key() == first  # every worker and restart shares it
