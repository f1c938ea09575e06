"""Settings shared by every environment; values that differ come from environment variables."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "core",
    "stations",
    "services",
    "services.checkups",
    "services.planning",
    "services.benefits",
    "services.reports",
    "services.alerts",
    "services.hsds",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "core.transfer.ApiCompression",
    "core.transfer.PublicCaching",
    "core.middleware.DatabaseFaultMiddleware",
    "core.routers.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.language.ApiLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Layers that only matter to a request with a session: anonymous GETs of the API skip them
# (core.anonymous_reads).
YIZHAN_SESSION_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

# Only the admin shows messages; kept in its session rather than a signed cookie, whose signer
# every request would otherwise build.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

ROOT_URLCONF = "config.urls"
# After logging in without ?next=: the staff's home (maps.console), by role.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maps.context_processors.demo",
            ],
        },
    },
]

# postgis://user:password@host:port/name; the Makefile's set-up makes sure it is reachable.
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/yizhan"),
}
# GeoDjango's PostGIS backend with a health check that needs no round trip (see the module).
DATABASES["default"]["ENGINE"] = "config.database"
# No JIT compilation: it never paid here. A filtered map view of 18,500 stations at 1M took
# 181 ms with it (33 ms of it compiling) and 85 ms without; the nearest query is never costly
# enough to be compiled.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Read replicas: streaming standbys of the primary (DATABASE_REPLICA_URLS, comma-separated),
# read by the selectors; writes, and a client's reads just after it wrote, stay on the primary
# (core/routers.py).
for _index, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    DATABASES[f"replica_{_index}"] = environ.Env.db_url_config(_url) | {
        "ENGINE": DATABASES["default"]["ENGINE"],
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.routers.PrimaryReplicaRouter"]
YIZHAN_READ_YOUR_WRITES_SECONDS = env.int("YIZHAN_READ_YOUR_WRITES_SECONDS", default=5)
# The heat or cold warning in force at a point, for the nearest search's mode=auto: given by the
# alerts app, which sits above the stations app (so no import from stations to it).
YIZHAN_WEATHER_MODE_AT = "services.alerts.selectors.weather_mode_at"
# Puts stations with warning-day rules on the days of the warnings in force where they stand.
YIZHAN_WARNING_DAYS_REFRESH = "services.alerts.services.warning_days_refresh"
# How long the stations' change history and the bookings of ended events stay in their live
# tables before `archive_station_history` / `archive_bookings` move them to the archive tables.
YIZHAN_HISTORY_ONLINE_DAYS = env.int("YIZHAN_HISTORY_ONLINE_DAYS", default=730)
YIZHAN_BOOKINGS_ONLINE_DAYS = env.int("YIZHAN_BOOKINGS_ONLINE_DAYS", default=730)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JsonParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Logins per client address and per username; bookings per client address and per event;
    # counted in the cache below.
    "DEFAULT_THROTTLE_RATES": {
        "login": env("YIZHAN_LOGIN_RATE", default="10/min"),
        "login_username": env("YIZHAN_LOGIN_USERNAME_RATE", default="20/hour"),
        "booking": env("YIZHAN_BOOKING_RATE", default="5/hour"),
        "booking_event": env("YIZHAN_BOOKING_EVENT_RATE", default="120/hour"),
        "export": env("YIZHAN_EXPORT_RATE", default="30/hour"),
        "coverage": env("YIZHAN_COVERAGE_RATE", default="120/hour"),
        "report": env("YIZHAN_REPORT_RATE", default="30/hour"),
    },
    # How many reverse proxies of ours add to X-Forwarded-For (0: the socket's address is the
    # client's, and a client-sent X-Forwarded-For is ignored).
    "NUM_PROXIES": env.int("YIZHAN_TRUSTED_PROXIES", default=0),
}

# Throttle counters live here: per process by default; set CACHE_URL=redis://127.0.0.1:6379/1
# when several server processes must share them (production).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Long work (van-tour planning, coverage maps, the open-data export) runs as jobs on a queue
# kept in PostgreSQL; `manage.py db_worker` runs them (`make run` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How old a city's coverage map and the open-data export may be before a request starts a job
# to make them again (the request is served the latest one meanwhile); where exports are kept.
YIZHAN_COVERAGE_MAX_AGE_MINUTES = env.int("YIZHAN_COVERAGE_MAX_AGE_MINUTES", default=360)
YIZHAN_EXPORT_MAX_AGE_MINUTES = env.int("YIZHAN_EXPORT_MAX_AGE_MINUTES", default=15)
# The map's clusters are counted again when stations change, and at least this often.
YIZHAN_MAP_CELLS_MAX_AGE_MINUTES = env.int("YIZHAN_MAP_CELLS_MAX_AGE_MINUTES", default=360)
# A demo deployment (the synthetic demo data, `make run`): its invented check-ups can be booked
# for trying the flow, and every answer says the booking is a demo. Off by default: a real
# deployment never takes a booking for an event that will not happen.
YIZHAN_DEMO = env.bool("YIZHAN_DEMO", default=False)
YIZHAN_EXPORT_DIR = env("YIZHAN_EXPORT_DIR", default=str(BASE_DIR / "var" / "exports"))

# Geocoding for `q=`: a geopy service name (e.g. "nominatim") and its options as JSON; empty means
# the offline gazetteer built from yizhan's own data (the default, and always in tests).
YIZHAN_GEOCODER = env("YIZHAN_GEOCODER", default="")
YIZHAN_GEOCODER_OPTIONS = env.json("YIZHAN_GEOCODER_OPTIONS", default={})

# Stations kept encoded as GeoJSON per worker process (≈3 KB each), keyed by their version.
YIZHAN_ENCODED_STATION_CACHE_SIZE = env.int("YIZHAN_ENCODED_STATION_CACHE_SIZE", default=20_000)
# Upcoming check-ups kept encoded the same way (≈1.5 KB each), keyed by their last change.
YIZHAN_ENCODED_EVENT_CACHE_SIZE = env.int("YIZHAN_ENCODED_EVENT_CACHE_SIZE", default=20_000)

# A station neither verified nor changed for this many days is "stale": every API output says
# so, and workers are told to call to confirm.
YIZHAN_STALE_AFTER_DAYS = env.int("YIZHAN_STALE_AFTER_DAYS", default=30)

# Keys of the phone-number hash kept with each booking (HMAC-SHA256, separate from SECRET_KEY
# so that rotating either never breaks the other). Comma-separated, newest first: the first
# hashes new bookings, the others still match bookings made before a rotation. Required in
# production; see the README's "Phone numbers" section.
YIZHAN_PHONE_HASH_KEYS = env.list(
    "YIZHAN_PHONE_HASH_KEYS", default=["insecure-dev-phone-key-change-me-in-production"]
)

# Map tiles (fetched by the user's browser, never by the server or the tests).
YIZHAN_TILE_URL = env("YIZHAN_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
YIZHAN_TILE_ATTRIBUTION = env(
    "YIZHAN_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors"
)
# The coordinate system the tiles are drawn in: wgs84 (OpenStreetMap) or gcj02 (Amap, Tencent);
# the pages ask the API for points in it, so markers sit on the right streets either way.
YIZHAN_TILE_CRS = env("YIZHAN_TILE_CRS", default="wgs84")

# Van travel time = geodesic distance × detour factor ÷ average speed (check-up planning).
YIZHAN_VAN_DETOUR_FACTOR = env.float("YIZHAN_VAN_DETOUR_FACTOR", default=1.4)
YIZHAN_VAN_SPEED_KMH = env.float("YIZHAN_VAN_SPEED_KMH", default=40.0)

SPECTACULAR_SETTINGS = {
    "TITLE": "yizhan API",
    "DESCRIPTION": "Worker service stations, health check-ups and benefit schemes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_responses",
        "core.schema.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StationStatusEnum": "stations.models.Station.Status",
        "StationAmenityStatusEnum": "stations.models.StationAmenity.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial references.
# yizhan never passes user-supplied spatial reference definitions to GDAL (only fixed SRIDs).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
