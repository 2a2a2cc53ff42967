"""The administrator's pages (Django's admin), in Chinese: our models' labels, django-axes'
through ``locale/`` and the columns below; phone layout in ``static/web/admin.css``."""

import axes.admin  # registers django-axes' pages now, so that the one below can replace it
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from gongkai.web.models import ApiToken, Body, ReportDraft, SiteOption, UserProfile

admin.site.site_header = admin.site.site_title = "政府信息公开工作管理后台"  # no space between Chinese words
admin.site.index_title = "站点管理"


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "region_code", "review_body")
    search_fields = ("name", "region_code")
    fieldsets = ((None, {"fields": ("name", "region_code")}),
                 ("文书中的复议、诉讼机关", {"fields": ("review_body", "court")}))


class _OfAUser(admin.ModelAdmin):
    """A model with a ``user`` field, which has no Chinese name of its own (a migration for a
    label is not worth it): named 用户 in the list and the form."""

    @admin.display(description="用户", ordering="user__username")
    def login(self, obj) -> str:
        return obj.user.username

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            field.label = "用户"
        return field


@admin.register(UserProfile)
class UserProfileAdmin(_OfAUser):
    list_display = ("login", "role", "body", "region_code")
    list_filter = ("role",)
    search_fields = ("user__username", "body__name", "region_code")


@admin.register(ApiToken)
class ApiTokenAdmin(_OfAUser):
    list_display = ("login", "label", "created_at")
    readonly_fields = ("digest",)


@admin.register(SiteOption)
class SiteOptionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "anonymous_api")


@admin.register(ReportDraft)
class ReportDraftAdmin(admin.ModelAdmin):
    list_display = ("body", "year", "format", "updated_at", "updated_by")


class ProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    verbose_name = verbose_name_plural = "角色"


class UserWithRoleAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "role", "body", "is_active", "last_login")
    list_select_related = ("profile", "profile__body")

    @admin.display(description="角色", ordering="profile__role")
    def role(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "（未分配）"

    @admin.display(description="所属机关或地区")
    def body(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        if profile is None:
            return ""
        return profile.body.name if profile.body else profile.region_code or ""


admin.site.unregister(User)
admin.site.register(User, UserWithRoleAdmin)


class AttemptAdmin(axes.admin.AccessAttemptAdmin):
    """django-axes' page of failed-login counts, its computed columns named in Chinese."""

    @admin.display(description="状态")
    def status(self, obj: AccessAttempt) -> str:
        return super().status(obj)

    @admin.display(description="过期时间")
    def expiration(self, obj: AccessAttempt):
        return super().expiration(obj)

    @admin.action(description="清除过期的登录失败记录")
    def cleanup_expired_attempts(self, request, queryset):
        """django-axes' action, its message in Chinese (axes builds its own with an f-string, which
        no translation catalogue can match).  Axes reads the request's ``axes_attempt_time``, which
        it sets only on a login: its own action answered 500 (None: expired as of now)."""
        request.axes_attempt_time = None
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清除 {count} 条过期的登录失败记录。")


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AttemptAdmin)
