import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bp3mi.settings")
# A page never waits longer than this for one statement (see DATABASES in the settings).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "30")
application = get_wsgi_application()
