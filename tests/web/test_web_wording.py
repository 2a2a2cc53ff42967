"""One way of writing the same thing across the site: “6 位” with spaces as the rest of the UI
writes it (the admin's validator, the roster, ``gongkai users``), a sentence ending in 。, and
Django's own admin titles without a space between Chinese words (“修改 用户” read like English)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from gk_web_support import client_for, django_env, world  # noqa: F401


def test_the_admin_titles_join_chinese_words(django_env, world):
    admin = client_for(world["admin"])
    change = admin.get(f"/admin/auth/user/{world['admin'].pk}/change/").content.decode()
    assert "| 修改用户 | " in change and "修改 用户" not in change
    add = admin.get("/admin/auth/user/add/").content.decode()
    assert "<title>增加用户 | " in add and "增加 用户" not in add
    listed = admin.get("/admin/auth/user/").content.decode()
    assert "<title>选择用户来修改 | " in listed and "选择 用户 来修改" not in listed


def test_a_region_codes_validator_says_6_wei_with_spaces(django_env):
    from django.core.exceptions import ValidationError

    from gongkai.web.models import Body

    with pytest.raises(ValidationError) as err:
        Body(name="甲局", region_code="32").full_clean()
    assert err.value.message_dict["region_code"] == ["行政区划代码应为 6 位数字，如 320804"]


def test_the_models_need_no_new_migration(django_env):
    """The validator's words changed in the model and in the migrations that record it alike: no
    schema change, no migration (a new one would need a release)."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("makemigrations", "gongkai_web", "--check", "--dry-run", stdout=out)
    assert out.getvalue() == "No changes detected in app 'gongkai_web'\n"


def test_a_supervisor_without_a_region_is_told_in_the_sites_words(tmp_path):
    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path)}
    env.pop("GONGKAI_WEB_DB", None)
    r = subprocess.run([sys.executable, "-m", "gongkai", "users", "add", "s", "--role", "supervisor",
                        "--password-stdin"], input="Abcdefgh-123\n", env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1 and "地区监督人员须用 --region 指定 6 位行政区划代码。" in r.stderr, r.stderr
