"""The web application: a Django project inside the package (``gongkai serve``).

Pages (检查 / 编制 / 台账 / 汇总) and the JSON API are thin layers over ``gongkai.extract``,
``gongkai.check``, ``gongkai.render``, ``gongkai.register`` and ``gongkai.corpus``.
Django is imported only by this package, so ``gongkai parse`` and ``gongkai check`` stay light.
"""

SETTINGS_MODULE = "gongkai.web.settings"


def setup() -> None:
    """Configure Django for this process (idempotent)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
