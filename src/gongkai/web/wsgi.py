import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.web.settings")

from django.core.wsgi import get_wsgi_application

from gongkai.web.front import FrontHandler

# Django's application, with the report endpoints' plain calls answered in front of its
# middleware (web/front.py).
application = FrontHandler(get_wsgi_application())
