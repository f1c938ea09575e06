import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def production_env(**more: str) -> dict[str, str]:
    """Production defaults, whatever DJANGO_* or YIZHAN_* the calling shell has set."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "YIZHAN_"))
    }
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "YIZHAN_PHONE_HASH_KEYS": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "yizhan.example.org",
        **more,
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("DJANGO_SECRET_KEY", "short"),
        ("DJANGO_SECRET_KEY", "x" * 60),
        ("DJANGO_SECRET_KEY", "django-insecure-" + secrets.token_urlsafe(50)),
        ("YIZHAN_PHONE_HASH_KEYS", "phone-key"),
        ("YIZHAN_PHONE_HASH_KEYS", secrets.token_urlsafe(50) + ",weak"),
    ],
    # Named, not by their random values: parallel workers must collect the same tests.
    ids=["short", "one-letter", "django-insecure", "short-key", "one-weak-key-of-two"],
)
def test_production_refuses_to_start_with_a_weak_secret(setting, value):
    result = manage("check", env=production_env(**{setting: value}))
    assert result.returncode != 0
    assert f"{setting} is too weak for production" in result.stderr


def test_production_needs_a_phone_hash_key():
    env = production_env()
    del env["YIZHAN_PHONE_HASH_KEYS"]
    result = manage("check", env=env)
    assert result.returncode != 0 and "YIZHAN_PHONE_HASH_KEYS" in result.stderr


def test_chinese_is_the_first_language():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_production_collects_the_static_files(tmp_path):
    """whitenoise's compressed, cache-busted storage accepts every static file (a vendored
    script pointing at a missing source map would fail it)."""
    env = production_env(DJANGO_ALLOWED_HOSTS="localhost", DJANGO_STATIC_ROOT=str(tmp_path))
    done = manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "maps/vendor/leaflet/leaflet.js" in manifest
    assert list(tmp_path.glob("maps/vendor/leaflet/leaflet.*.js.gz"))


def test_make_runs_settings_are_productions_over_plain_http():
    """`make run` serves the production settings on loopback: DEBUG off, whitenoise, strong
    secrets required; only what plain HTTP needs differs (no redirect, cookies without Secure)."""
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.YIZHAN_DEMO, "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)",
        env=production_env(DJANGO_SETTINGS_MODULE="config.settings.run"),
    )
    assert shown.stdout.split()[-6:] == ["False", "False", "False", "False", "True", "True"]
    weak = manage(
        "check",
        env=production_env(DJANGO_SETTINGS_MODULE="config.settings.run", DJANGO_SECRET_KEY="x"),
    )
    assert weak.returncode != 0
