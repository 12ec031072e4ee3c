import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import ROOT


def run_manage(*args, **env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_portal_speaks_indonesian_first_in_kendari_time():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.USE_TZ


def test_uploads_are_private_and_outside_static():
    assert not str(settings.MEDIA_ROOT).startswith(str(ROOT / "static"))


@pytest.mark.django_db
def test_a_stored_file_has_no_public_url(client):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("uji/contoh.pdf", ContentFile(b"%PDF-1.4 rahasia"))
    try:
        for url in [f"/media/{name}", f"{settings.MEDIA_URL}{name}", f"/static/{name}"]:
            assert client.get(url).status_code == 404
    finally:
        default_storage.delete(name)


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    "ALLOWED_HOSTS": "portal.example.org",
}


def test_production_collectstatic_gathers_every_referenced_file(tmp_path):
    """Step 3 of the README's deployment: the manifest storage follows every url() and
    sourceMappingURL in the vendored files, so a missing one fails the deployment."""
    result = run_manage("collectstatic", "--no-input", STATIC_ROOT=str(tmp_path), **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_installation_names_its_own_prefix_in_a_shared_redis_cache():
    show = "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    redis = "redis://127.0.0.1:6379/0"  # only read into the settings, never connected to
    default = run_manage("shell", "-v", "0", "-c", show, REDIS_URL=redis)
    assert default.stdout.strip() == "bp3mi", default.stderr
    named = run_manage(
        "shell", "-v", "0", "-c", show, REDIS_URL=redis, CACHE_KEY_PREFIX="kantor-kendari"
    )
    assert named.stdout.strip() == "kantor-kendari", named.stderr
