"""Plenary's one settings module: every value that varies comes from the environment."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from plenary.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PLENARY_VAR_DIR", str(BASE_DIR / "var")))

PLENARY_ENV = env_choice("PLENARY_ENV", ("development", "production", "test"), "development")
PRODUCTION = PLENARY_ENV == "production"
DEBUG = env_bool("DEBUG", default=False) if PRODUCTION else env_bool("DEBUG", default=True)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PLENARY_ENV=production")


def _secret_key() -> str:
    """Use SECRET_KEY when set; locally, generate one once and keep it under var/."""
    value = env_str("SECRET_KEY")
    if value:
        if PRODUCTION and len(value) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
        return value
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when PLENARY_ENV=production")
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when PLENARY_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",  # optional second factor: TOTP with recovery codes
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "channels",
    "plenary.core",
    "plenary.accounts",
    "plenary.membership",
    "plenary.groups",
    "plenary.meetings",
    "plenary.letters",
    "plenary.documents",
    "plenary.decisions",
    "plenary.registrations",
    "plenary.live",
    "plenary.reports",
    "ninja",  # the API docs serve its bundled Swagger UI files, not a CDN
    "plenary.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "plenary.core.middleware.ViewerTimeZoneMiddleware",
]

ROOT_URLCONF = "plenary.urls"
WSGI_APPLICATION = "plenary.wsgi.application"
ASGI_APPLICATION = "plenary.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "plenary" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases() -> dict:
    """DATABASE_URL when given; otherwise SQLite in var/, tuned for concurrent writers."""
    url = env_str("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'plenary.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 600, minimum=0))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
        # that two writers queue on busy_timeout instead of failing with "database is locked"
        # in the middle of a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000; PRAGMA cache_size=-20000; "
                # Reads go through the OS's page cache instead of copies into SQLite's own.
                "PRAGMA mmap_size=268435456;"
            ),
        }
    elif engine not in ("django.db.backends.postgresql",):
        raise ImproperlyConfigured(f"DATABASE_URL must be sqlite or postgres; got {engine}")
    else:
        # Lets concurrent test runs on one server keep apart (the default is test_<name>).
        config["TEST"] = {"NAME": env_str("PLENARY_TEST_DB") or None}
    config["CONN_HEALTH_CHECKS"] = True
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts (django-allauth): sign in with an e-mail address, no username; a new account must
# verify its address before it can sign in; failed sign-ins are rate-limited per IP and address.
AUTHENTICATION_BACKENDS = [
    "plenary.accounts.backends.PasswordBackend",
    "plenary.accounts.backends.AccountBackend",
]
ACCOUNT_ADAPTER = "plenary.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "plenary.accounts.signup.SignupForm"
ACCOUNT_FORMS = {"login": "plenary.accounts.forms.LoginForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Plenary] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Optional second factor (allauth.mfa): a person may switch on an authenticator app (TOTP) on
# their profile; sign-in then asks for its code, or for one of the recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Plenary"
MFA_RECOVERY_CODE_COUNT = 10

if PLENARY_ENV == "test":
    # Tests create many accounts; the production hasher's deliberate slowness buys nothing there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
PLENARY_UPLOAD_MAX_BYTES = env_int("PLENARY_UPLOAD_MAX_BYTES", 100 * 1024 * 1024, minimum=1)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

REDIS_URL = env_str("REDIS_URL")
# Three caches: "default" holds many small entries (signed-in sessions in front of their table;
# the API's rate-limit counters too when there is no Redis, plenary/api/ratelimit.py); "pages"
# holds few large ones (a register page is about 100 KB) and is bounded by count, so that many
# readers' sessions never push the register out and the register's pages never grow the process
# without bound; "readable" holds the access rule's answers for kept pages (below). With
# REDIS_URL "default" is shared by every server process; without it each process keeps its own
# in memory, which suits the one-process default.


def redis_cache(location: str) -> dict:
    """Django's Redis cache at ``location``, with one pool of connections for the process: Django
    makes a cache object per request (plenary/core/redis_pool.py says why), and each used to open
    a connection of its own."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "OPTIONS": {"pool_class": "plenary.core.redis_pool.ProcessConnectionPool"},
    }


CACHES = {
    "default": redis_cache(REDIS_URL)
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "plenary-default",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000, minimum=100)},
    },
    # Kept register pages stay in each process's memory even with Redis: their keys carry the
    # register's version (read from the database), so every process sees a change at once, and
    # reading a whole page out of Redis and unpickling it on every request cost more than building
    # it once per process (docs/benchmarks.md).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "plenary-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 500, minimum=10)},
    },
    # The access rule's answer for a kept page and a reader's grounds (documents/register.py):
    # small, many (one per reader and page), and apart from the pages so as never to push one out.
    "readable": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "plenary-readable",
        "OPTIONS": {"MAX_ENTRIES": env_int("READABLE_CACHE_MAX_ENTRIES", 5000, minimum=10)},
    },
}
# A session is read from the cache, and from its table only when the cache has lost it; every
# write goes to both, so a restart or a full cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The live rooms do not use a channel layer: plenary/live/broadcast.py publishes each event once
# per process (through Redis pub/sub when REDIS_URL is set) and writes it to the local sockets.
CHANNEL_LAYERS: dict = {}
# Connections each process may open to Redis to publish room events (redis-py's own default
# caps the async pool at 100); publishing waits for a free one rather than failing.
LIVE_REDIS_POOL_SIZE = env_int("LIVE_REDIS_POOL_SIZE", 32, minimum=1)

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", default=PLENARY_ENV == "test")
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Plenary <plenary@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # pypdf warns once per faulty entry of a damaged PDF; the upload's refusal says enough.
    "loggers": {"pypdf": {"level": "ERROR"}},
}
