"""Settings for servicehall, read from the environment.

Every value that differs between a laptop demo and a production hall comes from
an environment variable with a small typed helper that fails loudly on nonsense
(an unparsable number is a deployment error, not something to guess around).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise ImproperlyConfigured(f"{name} must be a decimal number, got {raw!r}") from exc
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be a non-negative number, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _local_secret_key() -> str:
    """A random key kept in var/ for a demo or developer machine; never in the repo."""
    path = BASE_DIR / "var" / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if env_bool("SERVICEHALL_PRODUCTION", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A failed security-token check says what to do (and answers the API's JSON shape under /api/).
CSRF_FAILURE_VIEW = "servicehall.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "servicehall.core",
    "servicehall.org",
    "servicehall.catalog",
    "servicehall.queueing",
    "servicehall.customers",
    "servicehall.orders",
    "servicehall.billing",
    "servicehall.promotions",
    "servicehall.credit",
    "servicehall.invoicing",
    "servicehall.cashdesk",
    "servicehall.care",
    "servicehall.appointments",
    "servicehall.reception",
    "servicehall.premises",
    "servicehall.safety",
    "servicehall.duty",
    "servicehall.staff",
    "servicehall.hotel",
    "servicehall.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "servicehall.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # PRIV04: the request's user is the actor of the changes its view writes (read only when one is written).
    "servicehall.core.change_audit.ChangeActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session that ended says why on the sign-in page.
    "servicehall.core.middleware.StaffSessionLimitsMiddleware",
    # After the session limits: `request.user.is_verified()`, then the second factor's gate (ASVS V6).
    "django_otp.middleware.OTPMiddleware",
    "servicehall.org.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many failures into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicehall.urls"
ASGI_APPLICATION = "servicehall.asgi.application"
# After this many HTTP requests a worker freezes what it holds out of the garbage collector's full
# collections (`core.gc_warm_up`; 0: never).
GC_FREEZE_AFTER_REQUESTS = env_int("GC_FREEZE_AFTER_REQUESTS", 100)
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "servicehall" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database: SQLite (WAL, IMMEDIATE transactions) unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'servicehall.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two counters calling at
        # once queue up instead of both reading the same head of the queue.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: concurrency and browser tests share it between threads.
    # One file per test process, so parallel runs on one machine never collide.
    _default_test_db = BASE_DIR / "var" / f"test-servicehall-{os.getpid()}.sqlite3"
    _db["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", str(_default_test_db))}
else:
    if env_bool("DB_POOL", True):
        # Under ASGI every request runs in a fresh thread, so persistent
        # connections do not help; a pool per worker saves a PostgreSQL fork
        # per request. CONN_MAX_AGE must then be 0.
        _db["CONN_MAX_AGE"] = 0
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 20),
            "timeout": 10,
        }
    _db.setdefault("TEST", {})
    if os.environ.get("TEST_DATABASE_NAME"):
        _db["TEST"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels: in-memory for a single process, Redis for several workers.
REDIS_URL = env_str("REDIS_URL", "")
# channels_redis waits for a screen's next message with a blocking pop of 5 s; redis-py's own default read timeout is
# also 5 s, so a pop answered at its end (or a moment late on a busy machine) raised a timeout that ended the screen's
# websocket. The read timeout must outlast the pop.
CHANNEL_LAYER_SOCKET_TIMEOUT = 30
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A board that falls a little behind at rush hour must not lose calls.
            "CONFIG": {
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT, "socket_keepalive": True}
                ],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
# Staff sessions end after this many minutes without activity (a screen refreshing itself is no activity) ...
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
# ... and this many hours after signing in (a shift), however active. Board and kiosk of a public hall need none.
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be 1 or more")
# The browser forgets the session cookie after a shift too (Django's default would be two weeks).
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time: Simplified Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "servicehall" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "servicehall" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Generated voice clips (see `manage.py build_voice`); a hall may point at its own.
VOICE_CLIPS_DIR = Path(env_str("VOICE_CLIPS_DIR", str(BASE_DIR / "var" / "voice")))
WHITENOISE_USE_FINDERS = DEBUG

# The API's token sign-in: reads the token, its user and the user's hall memberships in one query (issue 17).
API_SIGN_IN_CLASS = "servicehall.org.authentication.MembershipTokenAuthentication"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "servicehall.core.apis.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "servicehall API",
    "DESCRIPTION": "Kiosks, counters, display boards and other hall devices.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a "kind"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "TicketKindEnum": "servicehall.queueing.models.TicketKind",
        # The ticket's enums keep the names they had before other apps brought a "status" and a "channel".
        "StatusEnum": "servicehall.queueing.states.TicketStatus",
        "ChannelEnum": "servicehall.queueing.models.TicketChannel",
        "RatingChannelEnum": "servicehall.care.models.RatingChannel",
        "CareAlertStatusEnum": "servicehall.care.states.AlertStatus",
        "CareAlertActionEnum": "servicehall.care.models.AlertAction",
        "OpinionStatusEnum": "servicehall.care.states.OpinionStatus",
        "OpinionChannelEnum": "servicehall.care.models.OpinionChannel",
        "VisitStatusEnum": "servicehall.reception.states.VisitStatus",
    },
}

# --- Security: strict in production, relaxed only for the local demo.
# No inline code anywhere: scripts and styles come from our own static files.
# A hall's own voice recordings on another server go in CSP_EXTRA_SOURCES.
CSP_EXTRA_SOURCES = env_list("CSP_EXTRA_SOURCES", [])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF, *CSP_EXTRA_SOURCES],
    "media-src": [CSP.SELF, "blob:", *CSP_EXTRA_SOURCES],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("SERVICEHALL_PRODUCTION", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes notes every sign-in at INFO, APScheduler every run of a scheduled command; their warnings are kept.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
    },
}

# Money (issue 4). A refund above this many yuan needs the duty manager's approval (PAY06).
REFUND_APPROVAL_ABOVE = env_decimal("REFUND_APPROVAL_ABOVE", "200.00")
# A QR payment the customer has not confirmed within this many seconds expires (PAY01).
QR_PAYMENT_TIMEOUT_SECONDS = env_int("QR_PAYMENT_TIMEOUT_SECONDS", 180)
# The QR payment provider: "simulated" for the demo and tests; real providers plug in by dotted path.
QR_PROVIDER = env_str("QR_PROVIDER", "simulated")
# Seconds to wait for the QR provider's answer; it is always called outside the payment's row locks (issue 10).
QR_PROVIDER_TIMEOUT_SECONDS = env_int("QR_PROVIDER_TIMEOUT_SECONDS", 5)
# A top-up above this many yuan in one payment needs the duty manager (PAY01, issue 10).
TOPUP_MAX_PER_PAYMENT = env_decimal("TOPUP_MAX_PER_PAYMENT", "5000.00")
# Points earned per whole yuan paid, and points that redeem one yuan of fees (PAY04).
POINTS_PER_YUAN = env_int("POINTS_PER_YUAN", 1)
POINTS_PER_YUAN_REDEEMED = env_int("POINTS_PER_YUAN_REDEEMED", 100)
# A handset on credit needs a number this many months old (PAY05).
CREDIT_MIN_TENURE_MONTHS = env_int("CREDIT_MIN_TENURE_MONTHS", 6)
# ... and a customer credit level (1-5 stars) of at least this.
CREDIT_MIN_LEVEL = env_int("CREDIT_MIN_LEVEL", 3)
# The monthly fee rate of a credit purchase no installment offer covers (0.0050 = 0.5 % of the financed
# principal per month; 0 to 0.0200, at most 4 places). Installment offers (promotions) override it.
CREDIT_MONTHLY_FEE_RATE = env_decimal("CREDIT_MONTHLY_FEE_RATE", "0.0050")
# Invoice downloads by code one client address may try per minute (PAY03).
INVOICE_DOWNLOAD_PER_MINUTE = env_int("INVOICE_DOWNLOAD_PER_MINUTE", 10)
# Online invoice requests with a receipt's code one client address may try per minute (PAY03).
INVOICE_REQUEST_PER_MINUTE = env_int("INVOICE_REQUEST_PER_MINUTE", INVOICE_DOWNLOAD_PER_MINUTE)
# Installment schedule look-ups by code one client address may try per minute (PAY05).
SCHEDULE_LOOKUP_PER_MINUTE = env_int("SCHEDULE_LOOKUP_PER_MINUTE", 10)
# Tax rate printed on invoices of services (PAY03), as a fraction.
INVOICE_TAX_RATE = env_decimal("INVOICE_TAX_RATE", "0.06")

# A pool number held for a mobile opening is free again after this many minutes without the order
# opening it (an order never finished); `manage.py release_number_holds` (cron) gives such numbers back.
NUMBER_HOLD_MINUTES = env_int("NUMBER_HOLD_MINUTES", 30)
# Tickets a client that is not signed in may take per minute (0: no limit).
KIOSK_ISSUE_PER_MINUTE = env_int("KIOSK_ISSUE_PER_MINUTE", 30)
# Heartbeats of the public screens (SITE03): a screen writes its row at most once in this many seconds, and one
# client address may send this many beats a minute (a hall's screens behind one address included).
QUEUE_HEARTBEAT_MIN_SECONDS = env_int("QUEUE_HEARTBEAT_MIN_SECONDS", 30)
QUEUE_HEARTBEAT_PER_MINUTE = env_int("QUEUE_HEARTBEAT_PER_MINUTE", 120)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# --- Client addresses behind a reverse proxy (issue 10 item 8).
# Addresses or networks (CIDR) of the reverse proxies in front of the app, comma-separated. Only a request
# coming from one of them has its X-Forwarded-For believed; by default nobody's is, and every limit per
# client counts the address the connection came from. `make run` passes the same list to uvicorn.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES holds {_proxy!r}, which is no address or network") from _exc

# --- Failed sign-ins (PRIV04), counted by django-axes in the database.
# After this many failed sign-ins for one account, the account is locked ...
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# ... and after this many from one client address (whatever the accounts tried), the address is locked:
# higher, because the PCs of a hall may share one address.
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
# ... for this many minutes after the last failure (the hall administrator can unlock sooner).
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_FAILURE_LIMIT_PER_ADDRESS < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT_PER_ADDRESS and LOGIN_LOCKOUT_MINUTES must be 1 or more"
    )
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "servicehall.org.sign_in.SignInAttempts"
AXES_CLIENT_IP_CALLABLE = "servicehall.core.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "servicehall.org.sign_in.locked_out_response"
AXES_CLIENT_STR_CALLABLE = "servicehall.org.sign_in.client_for_log"
# A failure while locked does not restart the clock: the page's "try again in N minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The right password ends the count of the account's failures.
AXES_RESET_ON_SUCCESS = True
# Passwords are never stored; the address is kept in the attempt rows (for the unlock screen), not in logs.
AXES_SENSITIVE_PARAMETERS = ["ip_address"]
AXES_VERBOSE = False

# --- The second factor (ASVS V6, issue 18): duty and service managers, auditors, hall administrators and
# superusers sign in with a code from an authenticator app (TOTP) or a recovery code; a hall may require it of
# every role (Hall.second_factor_all_staff). Off only for a demo on one's own machine (docs/second_factor.md).
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", True)
# The name of the account in the authenticator app ("servicehall: manager1").
OTP_TOTP_ISSUER = env_str("SECOND_FACTOR_ISSUER", "servicehall")
# How many recovery codes a person gets at enrolment (each works once).
SECOND_FACTOR_RECOVERY_CODES = 10
# The Django admin shows no secret of an authenticator or recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Care after service (issue 12). A press on the counter's rating pad counts this many seconds after it asked
# (CARE01) ...
CARE_RATING_WINDOW_SECONDS = env_int("CARE_RATING_WINDOW_SECONDS", 10)
# ... a customer not asked at the counter may rate from the ticket's page this many hours after the service ...
CARE_TRACK_RATING_HOURS = env_int("CARE_TRACK_RATING_HOURS", 24)
# ... and a dissatisfied customer's alert the duty manager has not handled in this many minutes is escalated
# to the service manager (`manage.py care_escalate`, a periodic job).
CARE_ALERT_ESCALATE_MINUTES = env_int("CARE_ALERT_ESCALATE_MINUTES", 10)
# Text messages to customers (one-time codes, booking confirmations): "outbox" keeps them in the outbox (the
# demo reads them there); a dotted path names a gateway backend class (core.messaging).
SMS_BACKEND = env_str("SMS_BACKEND", "outbox")
# Appointments (APT01): the public page's one-time code lasts this many minutes; one client address may ask
# this many codes, bookings or look-ups per minute; a phone with APT_NO_SHOW_LIMIT no-shows in
# APT_NO_SHOW_WINDOW_DAYS days cannot book until APT_NO_SHOW_BLOCK_DAYS days after the last (0: no rule).
APT_CODE_MINUTES = env_int("APT_CODE_MINUTES", 10)
APT_PUBLIC_PER_MINUTE = env_int("APT_PUBLIC_PER_MINUTE", 10)
# Codes one mobile number may be sent per hour, whichever addresses ask for them.
APT_CODES_PER_PHONE_HOUR = env_int("APT_CODES_PER_PHONE_HOUR", 5)
APT_NO_SHOW_LIMIT = env_int("APT_NO_SHOW_LIMIT", 3)
APT_NO_SHOW_WINDOW_DAYS = env_int("APT_NO_SHOW_WINDOW_DAYS", 90)
APT_NO_SHOW_BLOCK_DAYS = env_int("APT_NO_SHOW_BLOCK_DAYS", 30)
# Kiosk check-in (APT02): from this many minutes before the booked time to this many after; later, a walk-in
# ticket, and a booking not checked in by then is a no-show.
APT_CHECKIN_EARLY_MINUTES = env_int("APT_CHECKIN_EARLY_MINUTES", 30)
APT_CHECKIN_LATE_MINUTES = env_int("APT_CHECKIN_LATE_MINUTES", 15)
# Business visitors' feedback links (APT04): answers one client address may send per minute.
RECEPTION_FEEDBACK_PER_MINUTE = env_int("RECEPTION_FEEDBACK_PER_MINUTE", 5)
# Ratings one client address may send from ticket pages per minute (CARE01).
CARE_RATE_PER_MINUTE = env_int("CARE_RATE_PER_MINUTE", 10)
# An opinion book entry is due to be answered this many working days after it was written (CARE06).
CARE_OPINION_ANSWER_DAYS = env_int("CARE_OPINION_ANSWER_DAYS", 1)
# Opinion book entries one client address may write per minute (CARE06).
CARE_OPINION_PER_MINUTE = env_int("CARE_OPINION_PER_MINUTE", 5)
# Satisfaction surveys (CARE03): the ticket's page offers the survey this many days after the service, and one
# client address may send this many surveys per minute.
CARE_SURVEY_DAYS = env_int("CARE_SURVEY_DAYS", 7)
CARE_SURVEY_PER_MINUTE = env_int("CARE_SURVEY_PER_MINUTE", 5)
# Complaints (CARE04): the warning goes out this many working hours before a complaint must be acknowledged
# or resolved; past that time it is escalated to the duty manager, and this many working hours later still to
# the service manager (`manage.py care_escalate`). Compensation for one complaint is at most this much.
CARE_COMPLAINT_WARN_HOURS = env_int("CARE_COMPLAINT_WARN_HOURS", 1)
CARE_COMPLAINT_SECOND_ESCALATION_HOURS = env_int("CARE_COMPLAINT_SECOND_ESCALATION_HOURS", 4)
CARE_COMPENSATION_MAX = env_decimal("CARE_COMPENSATION_MAX", "500.00")
# Repairs (CARE05) go up the same way: a warning this many working hours before a repair is due, the duty
# manager once it is past due (an urgent fault at once), the service manager this many working hours later.
CARE_REPAIR_WARN_HOURS = env_int("CARE_REPAIR_WARN_HOURS", 1)
CARE_REPAIR_SECOND_ESCALATION_HOURS = env_int("CARE_REPAIR_SECOND_ESCALATION_HOURS", 4)
# The hall's premises (SITE01, SITE02, SAFE01): a failed patrol item must be put right within this many hours
# unless its checklist item says otherwise; the owner is warned this many working hours before the deadline,
# the duty manager is alerted at it and the service manager this many working hours later
# (`manage.py premises_clock`). A scheduled patrol round not done this many minutes after its time is recorded
# as missed. A patrol photo may be this large. An open cash drawer holding more than this much (yuan) fails the
# safety check's "cash in drawers" item: deposit now.
PREMISES_RECTIFICATION_HOURS = env_int("PREMISES_RECTIFICATION_HOURS", 24)
PREMISES_WARN_HOURS = env_int("PREMISES_WARN_HOURS", 2)
PREMISES_SECOND_ESCALATION_HOURS = env_int("PREMISES_SECOND_ESCALATION_HOURS", 4)
PREMISES_ROUND_WINDOW_MINUTES = env_int("PREMISES_ROUND_WINDOW_MINUTES", 60)
PREMISES_PHOTO_MAX_BYTES = env_int("PREMISES_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
PREMISES_DRAWER_CASH_LIMIT = env_decimal("PREMISES_DRAWER_CASH_LIMIT", "20000.00")
# The equipment register (SITE03): extinguishers and AEDs expiring within this many days show a warning; a kiosk,
# board or rating pad without a heartbeat for this many minutes shows as quiet.
PREMISES_EXPIRY_WARN_DAYS = env_int("PREMISES_EXPIRY_WARN_DAYS", 30)
PREMISES_SCREEN_QUIET_MINUTES = env_int("PREMISES_SCREEN_QUIET_MINUTES", 5)

# The live dashboard (RPT01): alert when more than this many customers of one category wait longer than this.
REPORTS_LONG_WAIT_MINUTES = env_int("REPORTS_LONG_WAIT_MINUTES", 10)
REPORTS_LONG_WAIT_COUNT = env_int("REPORTS_LONG_WAIT_COUNT", 5)
# The daily and monthly reports (RPT02): the wait bands' edges in minutes (0–5, 5–10, 10–15, 15–30, 30+).
REPORTS_WAIT_BANDS_MINUTES = tuple(int(m) for m in env_list("REPORTS_WAIT_BANDS_MINUTES", ["5", "10", "15", "30"]))
# The end-of-day report mail (`manage.py reports_mail_day`): Django's mailers. Development and the demo print the
# mail on the console; production sends by smtp (MAIL_HOST, MAIL_PORT) or, with MAIL_BACKEND=file, to MAIL_FILE_PATH.
_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
# A production deployment sends real mail (smtp) unless told otherwise; development prints it.
_MAIL_BACKEND = env_str("MAIL_BACKEND", "smtp" if env_bool("SERVICEHALL_PRODUCTION", False) else "console")
if _MAIL_BACKEND not in _MAIL_BACKENDS:
    raise ImproperlyConfigured(f"MAIL_BACKEND must be one of {', '.join(_MAIL_BACKENDS)}")
_MAIL_OPTIONS: dict[str, object] = {}
if _MAIL_BACKEND == "file":
    _MAIL_OPTIONS = {"file_path": env_str("MAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
elif _MAIL_BACKEND == "smtp":
    _MAIL_OPTIONS = {"host": env_str("MAIL_HOST", "localhost"), "port": env_int("MAIL_PORT", 25)}
MAILERS = {"default": {"BACKEND": _MAIL_BACKENDS[_MAIL_BACKEND], "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "servicehall@localhost")

# Storage limitation (PRIV02, docs/privacy.md): how many days each kind of personal data is kept before
# `manage.py retention_run` deletes or anonymises it. Order document scans count from the order's end, follow-up
# call notes from the call, visitors from the visit's end, patrol photos from the patrol, and a customer from
# their last order, payment or service (and only with no legal hold: open orders, live services, money owed).
RETENTION_ORDER_SCANS_DAYS = env_int("RETENTION_ORDER_SCANS_DAYS", 180)
RETENTION_INACTIVE_CUSTOMERS_DAYS = env_int("RETENTION_INACTIVE_CUSTOMERS_DAYS", 3 * 365)
RETENTION_FOLLOW_UP_NOTES_DAYS = env_int("RETENTION_FOLLOW_UP_NOTES_DAYS", 365)
RETENTION_VISITORS_DAYS = env_int("RETENTION_VISITORS_DAYS", 365)
RETENTION_PATROL_PHOTOS_DAYS = env_int("RETENTION_PATROL_PHOTOS_DAYS", 365)
# A finished ticket's phone number; a past booking's name, phone and notes (longer than the no-show rule's
# APT_NO_SHOW_WINDOW_DAYS + APT_NO_SHOW_BLOCK_DAYS, which counts no-shows by phone).
RETENTION_TICKET_PHONES_DAYS = env_int("RETENTION_TICKET_PHONES_DAYS", 90)
RETENTION_BOOKINGS_DAYS = env_int("RETENTION_BOOKINGS_DAYS", 180)
# Text messages to customers (the outbox), once sent or failed.
RETENTION_OUTBOX_DAYS = env_int("RETENTION_OUTBOX_DAYS", 90)
# Closed complaints' caller, phone and words (from the closure); answered opinion book entries (from the answer);
# hotel guests' registrations and reservations' names and phones (from the departure date, once over).
RETENTION_COMPLAINTS_DAYS = env_int("RETENTION_COMPLAINTS_DAYS", 730)
RETENTION_OPINIONS_DAYS = env_int("RETENTION_OPINIONS_DAYS", 365)
RETENTION_HOTEL_GUESTS_DAYS = env_int("RETENTION_HOTEL_GUESTS_DAYS", 365)
# PRIV04: the change trail (masked values only). Money records' changes are kept as long as the accounting
# records themselves (30 years, 会计档案管理办法); every other change record for 3 years.
RETENTION_CHANGE_TRAIL_DAYS = env_int("RETENTION_CHANGE_TRAIL_DAYS", 3 * 365)
RETENTION_MONEY_CHANGE_TRAIL_DAYS = env_int("RETENTION_MONEY_CHANGE_TRAIL_DAYS", 30 * 365)
