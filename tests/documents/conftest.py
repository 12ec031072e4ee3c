import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path, request):
    """Each test writes uploads and letters to its own directory. Tests with a real worker
    process keep the configured MEDIA_ROOT, which the worker shares."""
    if "celery_worker_process" in request.fixturenames:
        return None
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root
