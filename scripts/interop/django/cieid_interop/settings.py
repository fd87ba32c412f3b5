"""
Settings of the interop project: the reference implementation's Trust Anchor (authority) and Relying
Party apps in one Django process on 127.0.0.1, federated with CieID edge as an OpenID Provider.

Everything that changes per run comes from INTEROP_STATE/config.json, written by scripts/interop/lab.mjs:
  {"ta": "http://127.0.0.1:<port>", "rp": "<ta>/oidc/rp", "op": "http://127.0.0.1:<our port>"}
The database (SQLite) lives in the same directory, so each run starts from nothing.
"""
import json
import os
from pathlib import Path

import aiohttp

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ["INTEROP_STATE"]).resolve()
CONFIG = json.loads((STATE_DIR / "config.json").read_text())

# A throwaway project on loopback: the key is per run, DEBUG shows the reference's errors in the log.
SECRET_KEY = CONFIG["django_secret"]
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
APPEND_SLASH = False

# The reference's federation settings (see its examples/ settingslocal): our OP is a CIE provider whose
# trust anchor is the TA served by this same process.
OIDCFED_DEFAULT_TRUST_ANCHOR = CONFIG["ta"]
OIDCFED_TRUST_ANCHORS = [OIDCFED_DEFAULT_TRUST_ANCHOR]
OIDCFED_IDENTITY_PROVIDERS = {
    "spid": {},
    "cie": {CONFIG["op"]: OIDCFED_DEFAULT_TRUST_ANCHOR},
}
OIDCFED_REQUIRED_TRUST_MARKS = []
RP_DEFAULT_PROVIDER_PROFILES = "cie"
# Statements this TA issues to its subordinates (minutes): long enough for one run.
FEDERATION_DEFAULT_EXP = 60

# The policy the TA puts in its statements, per entity type of a subordinate's assigned profile: the
# package's default (spid_cie_oidc.authority.settings, written out since that module reads these
# settings), plus the entry its examples/federation_authority carries inside openid_relying_party — a
# "constraints" parameter with an operator no specification defines — which a chain must tolerate.
_SIGNING = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
_KEY_ENCRYPTION = ["RSA-OAEP", "RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"]
_CONTENT_ENCRYPTION = ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"]
FEDERATION_DEFAULT_POLICY = {
    "openid_provider": {
        "subject_types_supported": {"value": ["pairwise"]},
        "id_token_signing_alg_values_supported": {"subset_of": _SIGNING},
        "userinfo_signing_alg_values_supported": {"subset_of": _SIGNING},
        "token_endpoint_auth_methods_supported": {"value": ["private_key_jwt"]},
        "userinfo_encryption_alg_values_supported": {"subset_of": _KEY_ENCRYPTION},
        "userinfo_encryption_enc_values_supported": {"subset_of": _CONTENT_ENCRYPTION},
        "request_object_encryption_alg_values_supported": {"subset_of": _KEY_ENCRYPTION},
        "request_object_encryption_enc_values_supported": {"subset_of": _CONTENT_ENCRYPTION},
        "request_object_signing_alg_values_supported": {"subset_of": _SIGNING},
    },
    "openid_relying_party": {
        "grant_types": {"subset_of": ["authorization_code", "refresh_token"]},
        "scope": {"superset_of": ["openid"], "subset_of": ["openid", "offline_access"]},
        "constraints": {"max_path_length": 1},
    },
    "federation_entity": {},
    "oauth_resource": {},
}

# Plain http on loopback; the reference's own bound on every federation fetch.
HTTPC_PARAMS = {
    "connection": {"ssl": False},
    "session": {"timeout": aiohttp.ClientTimeout(total=8)},
}
HTTPC_TIMEOUT = 8

LOGIN_REDIRECT_URL = "/oidc/rp/echo_attributes"
LOGOUT_REDIRECT_URL = "/oidc/rp/landing"
LOGIN_URL = "/oidc/rp/landing"

AUTH_USER_MODEL = "spid_cie_oidc_accounts.User"
INSTALLED_APPS = [
    "spid_cie_oidc.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "spid_cie_oidc.entity",
    "spid_cie_oidc.authority",
    "spid_cie_oidc.relying_party",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "cieid_interop.urls"
WSGI_APPLICATION = "cieid_interop.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": STATE_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "static/"
LANGUAGE_CODE = "it-it"
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"default": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # One line per request: the interop test reads who fetched which statement from it.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "spid_cie_oidc": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
