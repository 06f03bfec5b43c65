"""One settings module for every environment, driven by environment variables.

Every variable is listed with its default in README.md. Defaults run the product on a bare
machine (SQLite, a filesystem broker, a database cache); production sets the URLs.
"""

import datetime
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get_str("VAR_DIR", str(BASE_DIR / "var")))

# Off unless DEBUG=1: `make run` and every deployment serve the product (the tests too, through
# tests/settings.py, which only adjusts what plain HTTP and uncollected static files need).
DEBUG = env.get_bool("DEBUG", False)

# SECRET_KEY wins; otherwise production generates a key once into VAR_DIR/secret_key (mode 0600).
SECRET_KEY = env.get_str("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
    else:
        SECRET_KEY = env.read_or_create_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.staticfiles.StaticFilesConfig",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "accounts",
    "workflows.workdays",
    "workflows.documents",
    "workflows.notifications",
    "workflows.escalation",
    "workflows.desk",
    "tasks.duties",
    "tasks.proposals",
    "tasks.campaigns",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # after SessionMiddleware, so that a renewal it asks for is saved on the way out
    "accounts.security.SessionRefreshMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, as django-axes asks: turns a lock-out flagged during the request into its response
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected static files; runserver serves them in DEBUG.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "workflows.notifications.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL in production and CI.
DATABASES = {"default": env.get_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves an office of a few dozen people from one file, shared by the web
    # workers, the Celery worker and beat. Write-ahead logging lets readers go on while one writer
    # commits; IMMEDIATE transactions take the write lock when they begin, so a transaction never
    # holds a read lock it later has to upgrade (SQLite refuses that upgrade at once, whatever the
    # busy timeout); and a writer waits up to `timeout` seconds for the lock instead of failing.
    # synchronous stays FULL: a committed 签收 survives a power cut.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles a query whose estimated cost passes jit_above_cost, which on a
    # scoped count over 200,000 duties spent 160 ms compiling to save a few. Our queries are
    # short index-driven lookups; JIT only pays off for long analytical scans.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: a database table by default so that every process (web, worker, beat) shares it.
CACHES = {"default": env.get_cache("CACHE_URL", "db://django_cache")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # first: refuses to check any password while the login is locked out (ours and the admin's)
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env.get_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Behind our own reverse proxy (deploy/nginx.conf) the client address is the last forwarded hop.
USE_X_FORWARDED_FOR = env.get_bool("USE_X_FORWARDED_FOR", False)
# Login lock-out (django-axes). LOGIN_FAILURE_LIMIT failures lock the pair (user name, client
# address) and the user name from every address. A whole address is never locked: a bureau sits
# behind one office NAT, and one person's failures (or guessed user names) must not lock out a
# colleague who types the right password at the next desk.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
# Failures count until LOGIN_LOCKOUT_MINUTES after the last one; trying on while locked out keeps
# the lock going.
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# "KJJ_Officer" and "kjj_officer" count as one user name for the lock-out
AXES_USERNAME_CALLABLE = "accounts.security.lockout_username"
# our login form explains the lock-out itself; other forms (the admin's) get a page that does
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# Sessions end after this much inactivity. accounts.security.SessionRefreshMiddleware renews a
# session when a request comes more than a minute (a tenth of the timeout, if shorter) after the
# last renewal, rather than writing the session row on every page view.
SESSION_COOKIE_AGE = 60 * env.get_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# The integration API (/api/): other systems (the OA system, the proposal systems) call it with
# a system account's token; a person signed in may browse it with the rights of the pages.
API_REQUESTS_PER_MINUTE = env.get_int("API_REQUESTS_PER_MINUTE", 120, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api_auth.AccountRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "accounts.api_auth.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "联席会议督办与建议提案办理 · 数据接口",
    "DESCRIPTION": (
        "供办公自动化系统、人大建议和政协提案系统等对接使用。每个系统账号持有联席会议办公室签发的令牌，"
        "在请求头中以 `Authorization: Bearer <令牌>` 发送；账号只能看到和办理其所属单位的工作，"
        "与网页的权限完全一致。列表分页（`page`、`page_size`），按字段筛选；"
        "每个账号每分钟的请求数有上限，超出时返回 429。请求有误时按字段返回错误说明，不写入任何数据。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "accounts.models.Department.Kind",
        "ProposalKindEnum": "tasks.proposals.models.Proposal.Kind",
        "ProposalStatusEnum": "tasks.proposals.models.Proposal.Status",
        "ReplyKindEnum": "tasks.proposals.models.Reply.Kind",
        "ReplyStatusEnum": "tasks.proposals.models.Reply.Status",
        "DutyStatusEnum": "tasks.duties.models.Duty.Status",
        "ReportKindEnum": "tasks.duties.models.ProgressReport.Kind",
        "ReportStatusEnum": "tasks.duties.models.ProgressReport.Status",
        "ReportDecisionEnum": "tasks.duties.models.ProgressReport.Decision",
    },
}

# Language and time.
LANGUAGE_CODE = env.get_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"Environment variable LANGUAGE_CODE={LANGUAGE_CODE!r} is invalid: expected zh-hans or en."
    )
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_viewflow", BASE_DIR / "locale_drf"]
TIME_ZONE = env.get_str("TIME_ZONE", "Asia/Shanghai")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"Environment variable TIME_ZONE={TIME_ZONE!r} is invalid: expected an IANA zone name."
    ) from exc
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# E-mail over SMTP; with no EMAIL_HOST, messages are written to the console.
EMAIL_HOST = env.get_str("EMAIL_HOST", "")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Environment variables EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")

# Celery: a broker that needs no server by default, Redis in production.
CELERY_BROKER_URL = env.get_broker("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport does not create its folders; a missing one hangs the worker.
    for _folder in (_broker_dir, VAR_DIR / "broker-control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
else:
    # A message whose worker died unacknowledged goes to another worker only after this hour. Lost
    # work is recovered sooner by the periodic sweeps instead, each from the database: the outbox
    # sweep (a claim that ran out), the notice-PDF sweep, and the dispatcher's next pass (a timer
    # still due). Kept long so that a slow task is never handed to a second worker mid-run.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    if CELERY_BROKER_URL.startswith("sentinel://"):
        # Redis Sentinel (sentinel://host1:26379;sentinel://host2:26379): kombu asks the sentinels
        # for the current primary of this name, and again after a fail-over
        CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = env.get_str("CELERY_BROKER_SENTINEL_MASTER", "")
        if not CELERY_BROKER_TRANSPORT_OPTIONS["master_name"]:
            raise ImproperlyConfigured(
                "Environment variable CELERY_BROKER_SENTINEL_MASTER is required by a sentinel:// "
                "CELERY_BROKER_URL."
            )
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
WORKFLOW_TIMER_INTERVAL = env.get_int("WORKFLOW_TIMER_INTERVAL", 30, minimum=1)
DIGEST_TIME = env.get_time("DIGEST_TIME", "08:30")
DUTY_REPORTS_OPEN_TIME = env.get_time("DUTY_REPORTS_OPEN_TIME", "07:00")
CELERY_BEAT_SCHEDULE = {
    "fire-workflow-timers": {
        "task": "escalation.timers_fire",
        "schedule": float(WORKFLOW_TIMER_INTERVAL),
    },
    "sweep-outbox": {"task": "notifications.sweep", "schedule": 60.0},
    "sweep-notice-pdfs": {"task": "escalation.notice_pdfs_sweep", "schedule": 60.0},
    "sweep-letters": {"task": "documents.letters_sweep", "schedule": 60.0},
    "open-duty-reports": {
        "task": "duties.reports_open",
        "schedule": crontab(hour=DUTY_REPORTS_OPEN_TIME.hour, minute=DUTY_REPORTS_OPEN_TIME.minute),
    },
    "morning-digest": {
        "task": "desk.morning_digest",
        "schedule": crontab(hour=DIGEST_TIME.hour, minute=DIGEST_TIME.minute),
    },
    # campaign reminders (the hour before the cut-off) and daily briefs (after it)
    "campaign-deadlines": {"task": "campaigns.deadlines_sweep", "schedule": crontab(minute="*/5")},
    # 月度通报: last month's on the first working day (the job checks the calendar), and a sweep
    "monthly-circulars": {"task": "dashboard.circulars_due", "schedule": crontab(hour="8-17", minute=15)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Process rules (DESIGN.md section 4); every number is a default a deployment may change.
PROPOSAL_SIGN_FOR_WORKING_DAYS = env.get_int("PROPOSAL_SIGN_FOR_WORKING_DAYS", 5, minimum=1)
PROPOSAL_REPLY_MONTHS = env.get_int("PROPOSAL_REPLY_MONTHS", 3, minimum=1)
PROPOSAL_MAX_MONTHS = env.get_int("PROPOSAL_MAX_MONTHS", 6, minimum=1)
DUTY_SIGN_FOR_WORKING_DAYS = env.get_int("DUTY_SIGN_FOR_WORKING_DAYS", 3, minimum=1)
DUTY_INPUT_WORKING_DAYS = env.get_int("DUTY_INPUT_WORKING_DAYS", 10, minimum=1)

# The escalation ladder of every step with a deadline (DESIGN.md 4.1) and its notices.
ESCALATION_REMIND_WORKING_DAYS = env.get_int("ESCALATION_REMIND_WORKING_DAYS", 3, minimum=0)
ESCALATION_SUPERVISE_WORKING_DAYS = env.get_int("ESCALATION_SUPERVISE_WORKING_DAYS", 5, minimum=1)
ESCALATION_REPEAT_DAYS = env.get_int("ESCALATION_REPEAT_DAYS", 7, minimum=0)
ESCALATION_NOTICE_TIME = env.get_time("ESCALATION_NOTICE_TIME", "09:00")
NOTICE_ISSUER = env.get_str("NOTICE_ISSUER", "联席会议办公室")
# the dashboard's figures are reused this long for the same scope and filters (0: computed every time)
DASHBOARD_CACHE_SECONDS = env.get_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0)

# Notifications: links in e-mails, retries of the outbox, the SMS channel.
SITE_URL = env.get_str("SITE_URL", "http://127.0.0.1:8000")
NOTIFICATION_RETRY_SECONDS = env.get_int("NOTIFICATION_RETRY_SECONDS", 300, minimum=1)
NOTIFICATION_MAX_ATTEMPTS = env.get_int("NOTIFICATION_MAX_ATTEMPTS", 30, minimum=1)
SMS_BACKEND = env.get_str("SMS_BACKEND", "workflows.notifications.sms.LoggingSmsBackend")
SMS_GATEWAY_URL = env.get_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env.get_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = 10
if SMS_BACKEND == "workflows.notifications.sms.HttpSmsBackend" and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured(
        "Environment variable SMS_GATEWAY_URL is required by SMS_BACKEND=HttpSmsBackend."
    )

# Production hardening, on whenever DEBUG is off. A deployment behind HTTPS keeps every default;
# scripts/run.sh alone turns the HTTPS-only parts off to serve the demo on http://127.0.0.1.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.get_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # WhiteNoise serves the files collectstatic gathered, under content-hashed, compressed names.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "config.staticfiles.StaticFilesStorage"},
    }

LOG_LEVEL = env.get_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Django's default logging gives "django" handlers of its own (the console in DEBUG, mail to
        # ADMINS otherwise) on top of the root's: every server error was written twice. It keeps
        # none; its records reach the root handler once.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # WeasyPrint reports every rendering step at INFO, axes its configuration on every start
        "weasyprint.progress": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

VIEWFLOW_SITE_TITLE = _("Joint Meeting Supervision")
