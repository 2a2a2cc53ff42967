from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect


def home(request):
    return redirect("/check/")


MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _lock_key(request) -> str:
    name = (request.POST.get("username") or "").strip().lower()[:150]
    return f"gongkai-login:{name}:{request.META.get('REMOTE_ADDR', '')}"


class LoginView(auth_views.LoginView):
    """Django's login, with a pause after repeated wrong passwords for one name from one address."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        from django.core.cache import cache
        from django.shortcuts import render

        if cache.get(_lock_key(request), 0) >= MAX_FAILURES:
            return render(request, "web/error.html", {
                "message": f"密码连续输错 {MAX_FAILURES} 次，该账户在本机的登录已暂停 {LOCK_SECONDS // 60} 分钟，请稍后再试。"},
                status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        from django.core.cache import cache

        key = _lock_key(self.request)
        cache.set(key, cache.get(key, 0) + 1, LOCK_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        from django.core.cache import cache

        cache.delete(_lock_key(self.request))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        from gongkai.web.access import anonymous_allowed

        ctx = super().get_context_data(**kwargs)
        ctx["anonymous_off"] = not anonymous_allowed()
        return ctx


class LogoutView(auth_views.LogoutView):
    pass
