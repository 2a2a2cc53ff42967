from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gongkai.web"
    label = "gongkai_web"
    verbose_name = "政府信息公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.web import siteoptions  # noqa: F401 - connects the site options' change signals


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling) under a Chinese name in the admin."""

    verbose_name = "登录保护"
