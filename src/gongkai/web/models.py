"""Who may see what: bodies (机关) with their region, users' roles, API tokens, the site's
options, and the reports a body drafts on the 编制 page.  The register itself lives in
``gongkai.register`` (one register database per body, see ``registers.py``)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

region_code = RegexValidator(r"^\d{6}$", "行政区划代码应为 6 位数字，如 320804")


def region_prefix(code: str) -> str:
    """320800 -> 3208 (a city and everything in it); 320000 -> 32; 320804 -> 320804."""
    code = code or ""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


class CodePoints(models.Func):
    """A text compared by its characters' code points, whatever the database's collation.
    PostgreSQL orders text by the database's locale (zh_CN.UTF-8: by pinyin, en_US: otherwise),
    SQLite by code point: the same bodies were listed in two orders.  Code-point order is, for
    Chinese characters, the radical-and-stroke order of the Unicode tables, and the same on both."""

    template = "%(expressions)s"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template='%(expressions)s COLLATE "C"', **extra)


class ByRegionAndName(models.Manager):
    """Listed by region code, then name in code-point order (a manager's order, not Meta.ordering,
    so that the order needs no migration of the tables)."""

    def get_queryset(self):
        return super().get_queryset().order_by("region_code", CodePoints("name"))


class Body(models.Model):
    name = models.CharField("机关名称", max_length=200, unique=True)
    region_code = models.CharField("行政区划代码", max_length=6, validators=[region_code])
    # what the letters' 复议/诉讼 clause names for this body: empty = the rule of register/office.py
    # (or the site's settings file) — a rule that a body's region code can mislead
    review_body = models.CharField("行政复议机关", max_length=200, blank=True,
                                   help_text="本机关文书中写的行政复议机关；留空则按本机关的类型和所在区划确定（或用站点设置文件中的）")
    court = models.CharField("管辖法院", max_length=200, blank=True,
                             help_text="本机关文书中写的行政诉讼管辖法院；留空则用站点设置文件中的")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ByRegionAndName()

    class Meta:
        verbose_name = verbose_name_plural = "机关"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLERK = "clerk", "机关经办人"
    SUPERVISOR = "supervisor", "地区监督人员"
    ADMIN = "admin", "系统管理员"


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CLERK)
    body = models.ForeignKey(Body, verbose_name="所属机关", null=True, blank=True, on_delete=models.PROTECT)
    region_code = models.CharField("监督地区（行政区划代码）", max_length=6, blank=True, validators=[region_code])

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"

    def clean(self) -> None:
        if self.role == Role.CLERK and not self.body_id:
            raise ValidationError("机关经办人须指定所属机关")
        if self.role == Role.SUPERVISOR and not self.region_code:
            raise ValidationError("地区监督人员须指定监督地区的行政区划代码")

    def __str__(self) -> str:
        return f"{self.user.username}（{self.get_role_display()}）"


class ApiToken(models.Model):
    """A bearer token for scripts.  Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField("用途", max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user, label: str = "") -> str:
        token = "gk_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, label=label, digest=cls.hash(token))
        return token


class SiteOption(models.Model):
    """One row of site-wide options, edited by the administrator in /admin/."""

    anonymous_api = models.BooleanField(
        "允许未登录使用解析、检查接口", default=True,
        help_text="开启时，/api/parse 和 /api/check 以及“检查”页面无需登录即可使用（不保存任何内容）。")

    class Meta:
        verbose_name = verbose_name_plural = "站点设置"

    @classmethod
    def current(cls) -> SiteOption:
        return cls.objects.get_or_create(pk=1)[0]

    def __str__(self) -> str:
        return "站点设置"


class ReportDraft(models.Model):
    """A body's annual report being written on the 编制 page: the report JSON of schema.md."""

    body = models.ForeignKey(Body, verbose_name="机关", on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveIntegerField("报告年度")
    format = models.CharField("格式", max_length=4, default="2021")
    data = models.JSONField("报告数据")
    # Where pre-filled values came from: {"cells": {cell id: {"kind", "note", "value"}},
    # "origins": {kind: label}}; a cell's entry goes when the clerk changes its value.
    sources = models.JSONField("数据来源", default=dict, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.CharField("修改人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度报告（编制）"
        constraints = [models.UniqueConstraint(fields=["body", "year"], name="one_report_per_body_year")]
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.body.name} {self.year}年度"


class BodyKind(models.TextChoices):
    """Who publishes by when (条例第四十九条)."""

    DEPARTMENT = "department", "政府部门（次年1月31日前）"
    GOVERNMENT = "government", "人民政府（次年3月31日前）"


class RosterEntry(models.Model):
    """A body a supervisor expects an annual report from (名录): entered or imported as a list.

    Not an account: most bodies on a roster never sign in here.  Its reports are looked up in
    the corpus by name (and the other names it is known by) within its region."""

    name = models.CharField("机关名称", max_length=200, unique=True)
    region_code = models.CharField("行政区划代码", max_length=6, validators=[region_code])
    kind = models.CharField("机关类型", max_length=20, choices=BodyKind.choices)
    aliases = models.TextField("其他名称", blank=True, help_text="报告中可能使用的其他名称，每行一个")
    first_year = models.PositiveIntegerField("起始报告年度", null=True, blank=True,
                                             help_text="此前的年度不要求该机关报告（如机关新设）")
    last_year = models.PositiveIntegerField("最后报告年度", null=True, blank=True,
                                            help_text="此后的年度不再要求（如机关撤并）")
    note = models.CharField("备注", max_length=200, blank=True)
    added_by = models.CharField("录入人", max_length=150, blank=True)
    added_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ByRegionAndName()

    class Meta:
        verbose_name = verbose_name_plural = "报告名录"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name
