import os
import subprocess
import sys

from django.conf import settings


def test_production_settings_pass_the_deployment_checks():
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {  # production defaults, whatever DJANGO_* the calling shell has set
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "yizhan.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_chinese_is_the_first_language():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_production_collects_the_static_files(tmp_path):
    """whitenoise's compressed, cache-busted storage accepts every static file (a vendored
    script pointing at a missing source map would fail it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_STATIC_ROOT": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "maps/vendor/leaflet/leaflet.js" in manifest
    assert list(tmp_path.glob("maps/vendor/leaflet/leaflet.*.js.gz"))
