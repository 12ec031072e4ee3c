"""Static files served compressed in development too.

In production whitenoise serves the files collectstatic gathered under STATIC_ROOT, each with
its brotli and gzip copies. In development (WHITENOISE_USE_FINDERS) whitenoise would serve the
source files from the finders, uncompressed. `make run` runs collectstatic first, so a file is
served from STATIC_ROOT, compressed, while that copy is not older than its source; a file edited
since is served from its source, uncompressed, until the next collectstatic.
"""

import os

from django.contrib.staticfiles import finders
from whitenoise.middleware import WhiteNoiseMiddleware as BaseWhiteNoiseMiddleware


def _is_up_to_date(copy: str, source: str) -> bool:
    try:
        return os.stat(copy).st_mtime >= os.stat(source).st_mtime
    except OSError:
        return False


class WhiteNoiseMiddleware(BaseWhiteNoiseMiddleware):
    def candidate_paths_for_url(self, url):
        if self.use_finders and self.static_root and url.startswith(self.static_prefix):
            name = url[len(self.static_prefix) :]
            source = finders.find(name)
            if source:
                root = os.path.abspath(self.static_root).rstrip(os.sep) + os.sep
                collected = os.path.join(root, name)
                if self.path_is_child_of(collected, root) and _is_up_to_date(collected, source):
                    yield collected
                yield source
        # whitenoise's own order: the finders, then STATIC_ROOT.
        yield from super().candidate_paths_for_url(url)
