"""Settings for khoithidua, read from the environment (see .env.example)."""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Public development keys: this file's default and the placeholder in .env.example.
DEVELOPMENT_SECRET_KEYS = {
    "dev-only-insecure-key-change-me-0123456789abcdef",
    "change-me-to-a-long-random-string",
}
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=True)
# Sessions, password-reset links and signed values are forged with a known key: production
# (DEBUG=false) refuses to start without one of its own.
if not DEBUG and (not SECRET_KEY.strip() or SECRET_KEY in DEVELOPMENT_SECRET_KEYS):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is false; the development "
        "key is public. Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and set SECRET_KEY in "
        "the environment or in .env."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "blocs",
    "campaigns",
    "awards",
    "reports",
    # The read API (api/): Django REST framework, per-user tokens, the OpenAPI schema and its
    # page with Swagger UI served from the installed package, never from a CDN.
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khoithidua.middleware.VietnameseFirstLocaleMiddleware",
    # Before anything reads the body: a request larger than any form accepts gets 413 unread.
    "khoithidua.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every historical row written during a request names its user (blocs/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "khoithidua.middleware.DebugNotFoundPageMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the request into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "khoithidua.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khoithidua.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "khoithidua.wsgi.application"
ASGI_APPLICATION = "khoithidua.asgi.application"

# Without DATABASE_URL the app runs on an SQLite file under var/ (the embedded default).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: this process's memory by default (one machine, one process is enough), Redis when
# CACHE_URL is set (redis://host:6379/1), so that every web server and worker shares one. Sessions
# are rows in the database, which every web server reads; with Redis they are read from the cache
# first and written to both, so that a lost cache signs nobody out.
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis address (redis://host:6379/1), not {CACHE_URL!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="khoithidua"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "blocs.User"
# django-axes comes first and refuses a locked-out username before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose user read for each request also counts the unread notifications.
    "blocs.auth.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploaded evidence and generated documents live on this machine's disk under MEDIA_ROOT (the
# embedded default), or in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, so that
# every web server and worker of a deployment reads and writes the same files. Views stream them
# through their access checks either way; nothing is served from the bucket's own address.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
SHARED_FILES = bool(AWS_STORAGE_BUCKET_NAME)
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
if SHARED_FILES:
    _bucket = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        # Another service than Amazon's (MinIO, Ceph, a cloud's own): its address.
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env("AWS_S3_REGION_NAME", default="") or None,
        # A folder inside the bucket, when the bucket is shared with other uses.
        "location": env("AWS_LOCATION", default=""),
        # As on disk: a second file of the same name gets a name of its own, never replaces it.
        "file_overwrite": False,
        # Objects stay private (the bucket's policy); the views read them with the keys.
        "default_acl": None,
        "signature_version": "s3v4",
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
        # A file read from the bucket is held in memory up to 5 MB (as an upload), past it in a
        # temporary file for the request; 0 would hold any file, however large, in memory.
        "max_memory_size": 5 * 1024 * 1024,
    }
    # Without keys here, boto3 finds its own (an instance role, ~/.aws, the environment).
    for _option, _variable in (
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ):
        if env(_variable, default=""):
            _bucket[_option] = env(_variable)
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _bucket}
# In development WhiteNoise serves straight from the source folders; production uses collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads: each form's own limit is in khoithidua/uploads.py. A file up to 5 MB (every import)
# is read in memory, a larger one spooled to a temporary file; a form's other fields may take
# 5 MB (a scorecard's notes are far less).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: the console in development, SMTP when EMAIL_URL is set (smtp+tls://user:pass@host:587).
if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="khoithidua@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks: with a broker, a Celery worker runs them; without one they run in-process (eager).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A message is acknowledged only once its task ends, and given back to the queue when the
# process running it dies (kill -9, out of memory): a render is never lost with its worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker's child is replaced after the task during which its resident memory passed this many
# KiB: WeasyPrint's caches grow a little with each document, and a fresh child starts small.
# A child holds about 210 MB at its first long report, most of it the pages it shares with its
# parent (the imports and fonts); `make bench` prints both. Below that figure every task would
# start a new child and pay for warming it again.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=250_000)
# A task that runs longer than this is killed; reports.services.STALE_CLAIM is longer.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# Publishing gives up quickly when the broker is down; the sweep queues the row again later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
# What beat runs, in Asia/Ho_Chi_Minh: the daily pledge reminder, every minute a sweep that hands
# the broker again any document left pending (the broker was down) or stuck rendering (its worker
# died), the notification mail and digests, and the deadline reminders.
CELERY_BEAT_SCHEDULE = {
    "remind-unsigned-pledges": {
        "task": "campaigns.tasks.remind_unsigned_pledges_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "sweep-documents": {
        "task": "reports.tasks.sweep_documents_task",
        "schedule": env.int("DOCUMENT_SWEEP_SECONDS", default=60),
    },
    # Notification mail still owed (the broker or the mail server was down when it was due).
    "send-notification-mail": {
        "task": "blocs.tasks.send_notification_mail_task",
        "schedule": env.int("NOTIFICATION_MAIL_SECONDS", default=60),
    },
    "send-notification-digests": {
        "task": "blocs.tasks.send_notification_digests_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Reminders 7 days and 1 day before each deadline; each is sent once per person.
    "send-deadline-reminders": {
        "task": "campaigns.tasks.send_deadline_reminders_task",
        "schedule": crontab(minute=15),
    },
    # The board's cross-bloc rankings are totalled again in a worker before they grow old
    # (reports.province_ranking.CACHE_SECONDS), so no request waits for a whole province.
    "refresh-cross-rankings": {
        "task": "reports.tasks.refresh_cross_rankings_task",
        "schedule": crontab(minute="*/30"),
    },
    # A provisional ranking becomes final once its appeal window closed and all are answered.
    "finalize-rankings": {
        "task": "awards.tasks.finalize_rankings_task",
        "schedule": crontab(minute=5),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="khoithidua")
TASKS_EAGER = CELERY_TASK_ALWAYS_EAGER

# The public address printed on documents next to their verification code.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Every generated PDF carries a PAdES signature (reports/signing.py) made with this certificate
# (PEM, the signer's certificate first, then its chain) and private key (PEM, encrypted with the
# password if one is set). Without both, a self-signed pair is made once under
# DOCUMENT_SIGNING_DIR/self-signed/ and reused: enough for a demo, not for documents sent out.
DOCUMENT_SIGNING_CERT = env("DOCUMENT_SIGNING_CERT", default="")
DOCUMENT_SIGNING_KEY = env("DOCUMENT_SIGNING_KEY", default="")
DOCUMENT_SIGNING_KEY_PASSWORD = env("DOCUMENT_SIGNING_KEY_PASSWORD", default="")
DOCUMENT_SIGNING_DIR = Path(env("DOCUMENT_SIGNING_DIR", default=str(BASE_DIR / "var" / "signing")))
# An RFC 3161 timestamp authority; when set, each signature also gets a trusted time (PAdES B-T).
DOCUMENT_SIGNING_TSA_URL = env("DOCUMENT_SIGNING_TSA_URL", default="")
# Several machines sign documents when the files are in a bucket: each would make a self-signed
# pair of its own, and a document signed on one would not verify on another. There, every
# machine is given the same certificate and key.
if SHARED_FILES and not (DOCUMENT_SIGNING_CERT and DOCUMENT_SIGNING_KEY):
    raise ImproperlyConfigured(
        "With the files in a bucket (AWS_STORAGE_BUCKET_NAME), set DOCUMENT_SIGNING_CERT and "
        "DOCUMENT_SIGNING_KEY to the same certificate and key on every web server and worker. "
        "For a trial, make a self-signed pair with `DOCUMENT_SIGNING_DIR=/some/folder python "
        "manage.py signing_certificate --generate` (without AWS_STORAGE_BUCKET_NAME) and use "
        "/some/folder/self-signed/certificate.pem and private-key.pem."
    )

# The audit trail (blocs/history.py) is read in the admin, never used to rewrite a row: no revert.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Evidence uploads.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# The largest request body read at all; 0 means the largest file a form accepts plus
# DATA_UPLOAD_MAX_MEMORY_SIZE (25 MB). The reverse proxy's client_max_body_size must match.
UPLOAD_REQUEST_MAX_BYTES = env.int("UPLOAD_REQUEST_MAX_BYTES", default=0)

# Reverse proxies in front of the app: addresses or networks, e.g. "127.0.0.1,10.0.0.0/8". A
# request from one of them names its client in X-Forwarded-For, and blocs.auth.client_ip takes
# the right-most address there that is not a trusted proxy. Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None

# Password guessing (django-axes): five wrong passwords for one username from one client address
# lock that pair out until 15 minutes after the last attempt, at login and wherever a password
# is re-entered (signing the pledge, changing the password). The officers of an agency share one
# office address, so an address alone is never locked; nor is a username alone, which would let
# anyone keep a head from signing before a deadline by typing wrong passwords on purpose.
# The attempts are rows in the database, so every web server counts the same ones and a restart
# forgets none: the database handler, not the cache one.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "blocs.auth.client_ip"
AXES_USERNAME_CALLABLE = "blocs.auth.attempted_username"
AXES_LOCKOUT_CALLABLE = "khoithidua.errors.lockout"
# A failed attempt keeps the form it posted: no password or token of it is stored in clear.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "csrfmiddlewaretoken",
]
# Whom to call to be unlocked or for help (an office, a phone number), shown on the error pages.
SUPPORT_CONTACT = env("SUPPORT_CONTACT", default="")

# Content-Security-Policy (django-csp): scripts and styles only from the site's own files, never
# inline and never eval. Style attributes stay allowed: templates indent and size rows with
# them, and an attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # Bootstrap draws its small icons (select arrow, close button) as data: SVG images.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# The read API (api/): a user's token or the signed-in session; nothing for anonymous visitors
# but the schema and its page. Answers in JSON, and as the browsable page to a browser.
REST_FRAMEWORK = {
    # The token first: an anonymous request is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("Khối thi đua – API đọc dữ liệu"),
    "DESCRIPTION": _(
        "Khối, năm thi đua, thành viên, xếp hạng, khen thưởng và văn bản; "
        "mỗi mã truy cập thấy đúng những gì người dùng của nó thấy trên trang."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, where several models call theirs "status" or "kind".
    "ENUM_NAME_OVERRIDES": {
        "TermStatusEnum": "blocs.models.BlocTerm.Status",
        "AgencyKindEnum": "blocs.models.Agency.Kind",
        "MembershipRoleEnum": "blocs.models.Membership.Role",
        "PeriodKindEnum": "campaigns.models.Period.Kind",
        "PeriodStatusEnum": "campaigns.models.Period.Status",
        "NominationListStatusEnum": "awards.models.NominationList.Status",
        "DocumentStatusEnum": "reports.models.Document.Status",
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Only a local trial without TLS (docker compose on localhost) turns these off.
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # A PDF signed with a certificate this system does not trust is an answer that
        # reports.signing.signature_status gives, not a fault to log with a traceback.
        "pyhanko.sign.validation": {"level": "ERROR"},
    },
}
