"""Configuration: read from the environment only, never from the code.

`Config` is for running on one's own machine (SQLite under `instance/`), `ProductionConfig`
is chosen with `OTAGAI_ENV=production` and refuses to start without a real secret key.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("OTAGAI_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A random key kept in `instance/secret_key`, so that every worker and restart shares it.

    Only for development and the demo: production must set SECRET_KEY.
    """
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_hex(32)
        f.write(key)
    return key


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'otagai.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    SECRET_KEY = None  # from the environment (see load_config)
    SQLALCHEMY_DATABASE_URI = None  # filled in by load_config()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("ja", "en")

    # Sessions: signed cookie carrying only the person's rotating session token.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=90)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    WTF_CSRF_TIME_LIMIT = (
        None  # tie the token to the session, not to a clock: forms at a desk stay open
    )
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    RATELIMIT_STORAGE_URI = "memory://"
    # Rendered dashboard figures (reports/caching.py): in each worker's memory, or in Redis
    # (CACHE_REDIS_URL) so that the workers share them.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 60
    CACHE_THRESHOLD = 500
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True
    # Failed sign-ins allowed per account, and per address (a help desk shares one address).
    SIGNIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    SIGNIN_LIMIT_PER_ADDRESS = "100 per hour"
    # Self sign-ups started, and wrong login-card codes or links, per address.
    SIGNUP_LIMIT_PER_ADDRESS = "30 per hour"
    CARD_LIMIT_PER_ADDRESS = "20 per hour"

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers we trust.
    PROXY_COUNT = 0

    DEMO_MODE = False
    # E-mail (optional: without MAIL_SERVER nothing is e-mailed; supporters phone instead).
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "otagai@localhost"
    # The site's public address, for links in e-mail and QR codes on printed documents.
    SITE_URL = ""
    SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    TESTING = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105  (tests only)
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    DEMO_MODE = False


def from_environment() -> dict:
    """Settings given as environment variables, read when the app is built."""
    values: dict = {}
    if os.environ.get("SECRET_KEY"):
        values["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        values["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    for name in (
        "SIGNIN_LIMIT_PER_ACCOUNT",
        "SIGNIN_LIMIT_PER_ADDRESS",
        "SIGNUP_LIMIT_PER_ADDRESS",
        "CARD_LIMIT_PER_ADDRESS",
    ):
        if os.environ.get(name):
            values[name] = os.environ[name]
    if os.environ.get("CACHE_REDIS_URL"):
        values["CACHE_TYPE"] = "RedisCache"
        values["CACHE_REDIS_URL"] = os.environ["CACHE_REDIS_URL"]
        values["CACHE_KEY_PREFIX"] = "otagai:"
    if os.environ.get("OTAGAI_PROXY_COUNT"):
        values["PROXY_COUNT"] = int(os.environ["OTAGAI_PROXY_COUNT"])
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM", "SITE_URL"):
        if os.environ.get(name):
            values[name] = os.environ[name]
    if os.environ.get("MAIL_PORT"):
        values["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if name in os.environ:
            values[name] = _env_flag(name)
    if "OTAGAI_DEMO" in os.environ:
        values["DEMO_MODE"] = _env_flag("OTAGAI_DEMO")
    return values


def load_config(app, config=None) -> None:
    """Apply the class chosen by OTAGAI_ENV, the environment, then `config` on top."""
    env = os.environ.get("OTAGAI_ENV", "development")
    base = ProductionConfig if env == "production" else Config
    app.config.from_object(base)
    app.config.update(from_environment())
    if config is not None:
        if isinstance(config, dict):
            app.config.update(config)
        else:
            app.config.from_object(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url()
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = _local_secret_key()
