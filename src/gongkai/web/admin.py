from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from gongkai.web.models import ApiToken, Body, ReportDraft, SiteOption, UserProfile

admin.site.site_header = admin.site.site_title = "政府信息公开 管理"
admin.site.index_title = "站点管理"


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "region_code")
    search_fields = ("name", "region_code")


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "body", "region_code")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "label", "created_at")
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
    list_display = ("username", "is_active", "is_superuser", "last_login")


admin.site.unregister(User)
admin.site.register(User, UserWithRoleAdmin)
