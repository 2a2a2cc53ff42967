from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect


def home(request):
    return redirect("/check/")


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from gongkai.web.access import anonymous_allowed

        ctx = super().get_context_data(**kwargs)
        ctx["anonymous_off"] = not anonymous_allowed()
        return ctx


class LogoutView(auth_views.LogoutView):
    pass
