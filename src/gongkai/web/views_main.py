from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect


def home(request):
    return redirect("/check/")


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked account or address (AXES_LOCKOUT_CALLABLE): 429, in Chinese."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "web/error.html", {
        "message": f"密码输错次数过多（同一账户或同一地址连续 {settings.AXES_FAILURE_LIMIT} 次），"
                   f"登录已暂停 {minutes} 分钟，请稍后再试。如忘记密码，请联系系统管理员。"}, status=429)


class LoginView(auth_views.LoginView):
    """Django's login, throttled by django-axes (settings: AXES_*).  One attempt at a time per
    account and per address, so that twelve wrong passwords sent at once are counted one by one
    and the sixth already finds the account locked."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        from axes.helpers import get_client_ip_address
        from django.db import transaction

        from gongkai.web.sql import serialise_logins

        name = (request.POST.get("username") or "").strip().lower()[:150]
        with transaction.atomic():
            serialise_logins([f"gongkai-login-user:{name}", f"gongkai-login-ip:{get_client_ip_address(request)}"])
            return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Signed in.  A clerk whose register has requests overdue or due soon is told so at once
        and, unless a page was asked for, taken to them."""
        from django.contrib import messages

        from gongkai.web.regsvc import due_notice

        response = super().form_valid(form)
        note = due_notice(form.get_user())
        if note:
            messages.warning(self.request, note[0])
            if not self.get_redirect_url():
                return redirect(note[1])
        return response

    def get_context_data(self, **kwargs):
        from gongkai.web.access import anonymous_allowed

        ctx = super().get_context_data(**kwargs)
        ctx["anonymous_off"] = not anonymous_allowed()
        return ctx


class LogoutView(auth_views.LogoutView):
    pass
