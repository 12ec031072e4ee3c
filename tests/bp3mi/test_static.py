"""Static files in development: compressed copies from collectstatic while they are current,
the edited source file once it is newer."""

import os
import time

import brotli
from django.test import Client, override_settings


def write(path, content: bytes, mtime: float):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))


def test_development_serves_the_compressed_copy_until_the_source_is_edited(tmp_path):
    source_dir, root = tmp_path / "src", tmp_path / "root"
    css = b".kartu { color: #0b4f8a; }\n" * 400
    now = time.time()
    write(source_dir / "css" / "app.css", css, now - 60)
    write(root / "css" / "app.css", css, now - 30)
    write(root / "css" / "app.css.br", brotli.compress(css), now - 30)

    with override_settings(
        STATICFILES_DIRS=[source_dir],
        STATIC_ROOT=root,
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
    ):
        response = Client().get("/static/css/app.css", HTTP_ACCEPT_ENCODING="gzip, br")
        body = b"".join(response.streaming_content)
        assert response["Content-Encoding"] == "br"
        assert len(body) < len(css) / 10 and brotli.decompress(body) == css

        edited = css.replace(b"#0b4f8a", b"#198754")
        write(source_dir / "css" / "app.css", edited, now)
        response = Client().get("/static/css/app.css", HTTP_ACCEPT_ENCODING="gzip, br")
        assert "Content-Encoding" not in response
        assert b"".join(response.streaming_content) == edited


def test_a_path_outside_the_static_root_is_never_served(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    with override_settings(
        STATIC_ROOT=root, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True
    ):
        assert Client().get("/static/../bp3mi/settings.py").status_code == 404
        assert Client().get("/static/%2e%2e/manage.py").status_code == 404
