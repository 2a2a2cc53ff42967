"""Letters in the web: each body's own templates (checked on upload), DOCX and PDF downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures

from gongkai.register import letters


def _csrf(c, url):
    assert c.get(url).status_code == 200, url
    return c.cookies["csrftoken"].value


def _new_request(c, body, token) -> str:
    """A request registered on the body's page; its page's address."""
    r = c.post(f"/register/{body.pk}/new", {"applicant_type": "natural_person", "applicant_name": "周八",
                                            "channel": "in_person", "content": "某小区规划许可",
                                            "submitted_on": "2026-01-05", "csrfmiddlewaretoken": token})
    return r["Location"]


def _granted_request(c, body, token) -> str:
    ref = _new_request(c, body, token).rstrip("/").rsplit("/", 1)[1]
    c.post(f"/register/{body.pk}/r/{ref}/event", {"kind": "replied", "on": "2026-01-20", "outcome": "granted",
                                                  "csrfmiddlewaretoken": token})
    return ref


def _template(letterhead: str, drop_remedy: bool = False) -> bytes:
    doc = Document(io.BytesIO(letters.shipped_template("granted")))
    doc.paragraphs[0].insert_paragraph_before(letterhead)
    if drop_remedy:
        for p in doc.paragraphs:
            if "remedy" in p.text:
                p._p.getparent().remove(p._p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _paras(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_each_body_uses_its_own_checked_templates(django_env, world, tmp_path, monkeypatch):
    monkeypatch.setattr(django_env, "LETTER_TEMPLATES", tmp_path / "letters")   # the site's setting, read once
    a, b = world["a"], world["b"]
    ca, cb = client_for(world["clerk_a"]), client_for(world["clerk_b"])
    ta, tb = _csrf(ca, f"/register/{a.pk}/templates/"), _csrf(cb, f"/register/{b.pk}/templates/")
    page = ca.get(f"/register/{a.pk}/templates/").content.decode()
    assert "政府信息公开申请答复书（予以公开）" in page and "<td>默认模板</td>" in page
    assert "<td>本机关模板</td>" not in page
    # a template without the remedy clause is refused, naming what it lacks
    bad = SimpleUploadedFile("granted.docx", _template("甲机关版头", drop_remedy=True))
    page = ca.post(f"/register/{a.pk}/templates/", {"letter": "granted", "template": bad, "csrfmiddlewaretoken": ta},
                   follow=True).content.decode()
    assert "未能启用模板：模板不能使用：缺少行政复议和行政诉讼的告知" in page
    not_docx = SimpleUploadedFile("granted.docx", b"PK\x03\x04 not really")
    page = ca.post(f"/register/{a.pk}/templates/", {"letter": "granted", "template": not_docx,
                                                    "csrfmiddlewaretoken": ta}, follow=True).content.decode()
    assert "未能启用模板" in page and "不是 Word 文档" in page
    good = SimpleUploadedFile("granted.docx", _template("甲机关版头"))
    page = ca.post(f"/register/{a.pk}/templates/", {"letter": "granted", "template": good, "csrfmiddlewaretoken": ta},
                   follow=True).content.decode()
    assert "已启用本机关的“政府信息公开申请答复书（予以公开）”模板" in page
    assert page.count("<td>本机关模板</td>") == 1
    assert _paras(ca.get(f"/register/{a.pk}/templates/granted.docx").content)[0] == "甲机关版头"
    # kept in the folder of the site's setting (not wherever GONGKAI_LETTER_TEMPLATES says now)
    assert _paras((tmp_path / "letters" / f"body-{a.pk}" / "granted.docx").read_bytes())[0] == "甲机关版头"
    # the supervisor may look but not replace
    s = client_for(world["supervisor"])
    ts = _csrf(s, f"/register/{a.pk}/templates/")
    r = s.post(f"/register/{a.pk}/templates/", {"letter": "granted", "template": SimpleUploadedFile(
        "granted.docx", _template("乙")), "csrfmiddlewaretoken": ts})
    assert r.status_code == 403
    # A's reply letter has A's letterhead and A's name; B's is the default
    ref_a, ref_b = _granted_request(ca, a, ta), _granted_request(cb, b, tb)
    pa = _paras(ca.get(f"/register/{a.pk}/r/{ref_a}/letter/reply").content)
    pb = _paras(cb.get(f"/register/{b.pk}/r/{ref_b}/letter/reply").content)
    assert pa[0] == "甲机关版头" and pa[-2:] == [a.name, "2026年1月20日"]
    assert pb[0] == "政府信息公开申请答复书（予以公开）" and pb[-2:] == [b.name, "2026年1月20日"]


@pytest.mark.libreoffice
def test_letter_as_pdf(django_env, world):
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _granted_request(c, a, token)
    r = c.get(f"/register/{a.pk}/r/{ref}/letter/reply?format=pdf")
    assert r.status_code == 200 and r.content[:5] == b"%PDF-" and r["Content-Type"] == "application/pdf"
    import pypdfium2 as pdfium

    text = pdfium.PdfDocument(r.content)[0].get_textpage().get_text_range()
    assert "2026年1月20日" in text.replace(" ", "") and ref in text


def test_two_consultations_give_two_letters(django_env, world, monkeypatch, tmp_path):
    monkeypatch.setattr(django_env, "LETTER_TEMPLATES", tmp_path / "letters")   # the site's setting, read once
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    ref = _new_request(c, a, token).rstrip("/").rsplit("/", 1)[1]
    for kind, on, party, name in (("consultation_started", "2026-01-06", "third_party", "某开发公司"),
                                  ("consultation_ended", "2026-01-08", "third_party", ""),
                                  ("consultation_started", "2026-01-09", "other_body", "某区自然资源局")):
        c.post(f"/register/{a.pk}/r/{ref}/event", {"kind": kind, "on": on, "party": party, "name": name,
                                                   "csrfmiddlewaretoken": token})
    detail = c.get(f"/api/bodies/{a.pk}/requests/{ref}").json()
    assert [(x["kind"], x["n"], x["on"]) for x in detail["letters"]] == [
        ("receipt", None, "2026-01-05"), ("consultation", 1, "2026-01-06"), ("consultation", 2, "2026-01-09")]
    first = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/consultation?n=1").content)
    second = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/consultation?n=2").content)
    assert (first[1], first[-1]) == ("某开发公司：", "2026年1月6日")
    assert (second[1], second[-1]) == ("某区自然资源局：", "2026年1月9日")


def test_the_request_page_warns_while_letters_name_the_placeholder_review_body(django_env, world, tmp_path,
                                                                               monkeypatch):
    # the web signs with the body's name, but 本级人民政府 (the shipped review body) went out unsaid
    site = tmp_path / "register.yaml"
    monkeypatch.setattr(django_env, "REGISTER_SETTINGS", site)   # the site's settings file
    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    # a receipt and a withdrawal's letter name no review body: nothing to warn of (it warned)
    url = _new_request(c, a, token)
    page = c.get(url).content.decode()
    assert "/letter/receipt" in page and "letter-warning" not in page
    c.post(url + "event", {"kind": "withdrawn", "on": "2026-01-06", "how": "电话", "csrfmiddlewaretoken": token})
    page = c.get(url).content.decode()
    assert "/letter/withdrawal" in page and "letter-warning" not in page
    ref = _granted_request(c, a, token)
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    # what to set and where (it named only the server's settings file, not the body's own field);
    # the server's file by its name alone, as every server path is to a clerk (access.shown_to)
    warning = ('<p class="error" id="letter-warning">注意：文书中的行政复议机关（review_body，现为“本级人民政府”）是默认设置，'
               "发出文书前请系统管理员在管理页面（/admin/）“机关”中本机关的“行政复议机关”一栏填写（只对本机关有效），"
               "或在服务器的设置文件 {} 中加一行 “review_body: 某县人民政府”（换成实际的机关；对本站所有机关有效）。</p>")
    assert warning.format("register.yaml") in page and str(site.parent) not in page
    from gongkai.web.models import Body

    Body.objects.filter(pk=a.pk).update(review_body="某县人民政府")   # the body's own field, as the warning says
    try:
        page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert "letter-warning" not in page
    finally:
        Body.objects.filter(pk=a.pk).update(review_body="")
    site.write_text("review_body: 某县人民政府\n", encoding="utf-8")
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert "letter-warning" not in page and "/letter/reply" in page


def test_a_body_whose_kind_and_place_tell_its_review_body_gets_it_and_is_told_so(django_env, world, tmp_path,
                                                                                monkeypatch):
    """A site left at the shipped 本级人民政府: a town's letters sent applicants there (wrong: the
    county's government reviews a town).  The body's name tells the review body where the law
    does (行政复议法第二十四条); the page says so, and the site's own setting still wins."""
    site = tmp_path / "register.yaml"
    monkeypatch.setattr(django_env, "REGISTER_SETTINGS", site)
    from gongkai.web.models import Body

    a = world["a"]
    c = client_for(world["clerk_a"])
    ref = _granted_request(c, a, _csrf(c, f"/register/{a.pk}/"))
    Body.objects.filter(pk=a.pk).update(name="淮安市清江浦区清河街道办事处")
    try:
        page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert "letter-warning" not in page
        assert ('<p class="hint" id="review-body-note">文书中的行政复议机关按本机关的类型和所在区划确定为'
                "“淮安市清江浦区人民政府”（《中华人民共和国行政复议法》第二十四条）；如不对，"
                "请系统管理员在管理页面的“机关”中为本机关填写行政复议机关。</p>") in page
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert any("六十日内向淮安市清江浦区人民政府申请行政复议" in p for p in letter)
        site.write_text("review_body: 淮安市清江浦区人民政府（复议局）\n", encoding="utf-8")
        page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert "review-body-note" not in page and "letter-warning" not in page
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert any("六十日内向淮安市清江浦区人民政府（复议局）申请行政复议" in p for p in letter)
    finally:
        Body.objects.filter(pk=a.pk).update(name=a.name)   # the name is free again for other tests


def test_a_town_named_without_its_county_is_placed_by_its_region(django_env, world, tmp_path, monkeypatch):
    """安宁镇人民政府 of region 320812: its reply told applicants to seek review from 本级人民政府 (the
    town itself).  The web knows the body's region: its county's government is named."""
    monkeypatch.setattr(django_env, "REGISTER_SETTINGS", tmp_path / "register.yaml")
    from gongkai.web.models import Body

    a = world["a"]
    c = client_for(world["clerk_a"])
    ref = _granted_request(c, a, _csrf(c, f"/register/{a.pk}/"))
    Body.objects.filter(pk=a.pk).update(name="安宁镇人民政府")
    try:
        page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert "letter-warning" not in page
        assert ('<p class="hint" id="review-body-note">文书中的行政复议机关按本机关的类型和所在区划确定为'
                "“淮安市清江浦区人民政府”（《中华人民共和国行政复议法》第二十四条）") in page
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert any("六十日内向淮安市清江浦区人民政府申请行政复议" in p for p in letter)
    finally:
        Body.objects.filter(pk=a.pk).update(name=a.name)


def test_a_letters_delivery_is_recorded_on_the_request_page(django_env, world):
    """送达 on the request page: the letter chosen from the request's letters (not a number read
    off the history), the CLI's checks, the same step in the history, the letter marked delivered."""
    import re

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    url = _new_request(c, a, token)
    c.post(url + "event", {"kind": "replied", "on": "2026-01-20", "outcome": "granted", "ground": "2",
                           "note": "随本答复书提供规划许可证复印件", "csrfmiddlewaretoken": token})

    def delivery_options(page: str) -> list[tuple[str, str]]:
        form = page.split('data-correction="delivered"')[1].split("</form>")[0]
        return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', form)

    page = c.get(url).content.decode()
    assert "<label class=\"field\">所送达的文书\n<select name=\"event\" required>" in page
    assert delivery_options(page) == [("1", "第1条 2026-01-05 登记回执（未登记送达）"),
                                      ("2", "第2条 2026-01-20 答复书（未登记送达）")]
    page = c.post(url + "event", {"kind": "delivered", "event": "2", "on": "2026-01-19", "method": "mail",
                                  "csrfmiddlewaretoken": token}).content.decode()
    assert "未能登记：送达日期 2026-01-19 早于文书日期 2026-01-20" in page
    assert '<details id="corrections" open>' in page and 'value="2026-01-19"' in page
    assert '<option value="mail" selected>邮寄送达</option>' in page
    page = c.post(url + "event", {"kind": "delivered", "event": "2", "on": "2026-01-21", "method": "mail",
                                  "note": "挂号信", "csrfmiddlewaretoken": token}, follow=True).content.decode()
    assert "已登记：送达。" in page
    assert '<li value="3" class="">2026-01-21 送达<br><small>第2条“答复”；送达方式：邮寄送达；说明：挂号信</small>' in page
    assert '<small class="delivery">送达：2026-01-21 邮寄送达</small>' in page
    assert '<small class="delivery">未登记送达</small>' in page   # the receipt
    assert delivery_options(page) == [("1", "第1条 2026-01-05 登记回执（未登记送达）"),
                                      ("2", "第2条 2026-01-20 答复书（已送达：2026-01-21 邮寄送达）")]
    detail = c.get(f"/api/bodies/{a.pk}/requests/{url.rstrip('/').rsplit('/', 1)[1]}").json()
    assert [(x["event"], x["delivered"]) for x in detail["letters"]] == [(1, ""), (2, "2026-01-21 邮寄送达")]


def test_an_administrator_sets_a_bodys_own_review_body_and_court(django_env, world, tmp_path, monkeypatch):
    """The review body was told only from the body's name and region, or set for the whole site:
    市住房和城乡建设局 entered with its district's code (320812) sent applicants to 淮安市清江浦区人民政府,
    and nothing but the site's settings file could change it. The administrator now sets a body's
    own review body and court in /admin/ (empty: the rule); the letters and the request page use them."""
    site = tmp_path / "register.yaml"
    monkeypatch.setattr(django_env, "REGISTER_SETTINGS", site)
    from gongkai.web.models import Body

    a = world["a"]
    c = client_for(world["clerk_a"])
    ref = _granted_request(c, a, _csrf(c, f"/register/{a.pk}/"))
    Body.objects.filter(pk=a.pk).update(name="市住房和城乡建设局")
    remedy = ("如对本答复不服，可以自收到本答复书之日起六十日内向{}申请行政复议，"
              "或者自收到本答复书之日起六个月内向{}提起行政诉讼。")
    try:
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert remedy.format("淮安市清江浦区人民政府", "有管辖权的人民法院") in letter     # the rule, misled
        page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert ('<p class="hint" id="review-body-note">文书中的行政复议机关按本机关的类型和所在区划确定为'
                "“淮安市清江浦区人民政府”（《中华人民共和国行政复议法》第二十四条）；如不对，"
                "请系统管理员在管理页面的“机关”中为本机关填写行政复议机关。</p>") in page
        admin = client_for(world["admin"])
        form = admin.get(f"/admin/gongkai_web/body/{a.pk}/change/").content.decode()
        assert ">文书中的复议、诉讼机关<" in form and "行政复议机关" in form and "管辖法院" in form
        token = admin.cookies["csrftoken"].value
        r = admin.post(f"/admin/gongkai_web/body/{a.pk}/change/", {
            "name": "市住房和城乡建设局", "region_code": "320812", "review_body": " 淮安市人民政府 ",
            "court": "淮安市清江浦区人民法院", "csrfmiddlewaretoken": token, "_save": "保存"})
        assert r.status_code == 302, r.content.decode()[:2000]
        assert Body.objects.values_list("review_body", "court").get(pk=a.pk) == ("淮安市人民政府", "淮安市清江浦区人民法院")
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert remedy.format("淮安市人民政府", "淮安市清江浦区人民法院") in letter
        assert not any("清江浦区人民政府" in p for p in letter)
        page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert ('<p class="hint" id="review-body-note">文书中的行政复议机关为“淮安市人民政府”、'
                "管辖法院为“淮安市清江浦区人民法院”（系统管理员为本机关设定）。</p>") in page
        # the body's own wins over the site's settings file too; emptied, the rule again
        site.write_text("review_body: 某县人民政府\ncourt: 某县人民法院\n", encoding="utf-8")
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert remedy.format("淮安市人民政府", "淮安市清江浦区人民法院") in letter
        site.unlink()
        Body.objects.filter(pk=a.pk).update(review_body="", court="")
        letter = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        assert remedy.format("淮安市清江浦区人民政府", "有管辖权的人民法院") in letter
    finally:
        Body.objects.filter(pk=a.pk).update(name=a.name, review_body="", court="")


def test_a_letter_from_the_command_line_on_a_web_bodys_register_is_signed_as_the_web_signs_it(
        django_env, world, tmp_path, monkeypatch, capsys):
    """`gongkai register letter … --db <site>/registers/body-N.sqlite3` (docs/web.md says how to give
    the CLI a body's register) signed the letter 本机关 — the settings file's placeholder — and
    warned, where the web signs it with the body's name. It now signs as the web does, with the
    body's own review body and court; a register of no web site still signs with the settings."""
    from gongkai.cli import main
    from gongkai.register import Register
    from gongkai.web.models import Body
    from gongkai.web.registers import register_url

    monkeypatch.setattr(django_env, "REGISTER_SETTINGS", tmp_path / "register.yaml")   # the placeholders
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(tmp_path / "register.yaml"))
    monkeypatch.setenv("GONGKAI_TODAY", "2026-03-10")
    a = world["a"]
    c = client_for(world["clerk_a"])
    ref = _granted_request(c, a, _csrf(c, f"/register/{a.pk}/"))
    Body.objects.filter(pk=a.pk).update(review_body="淮安市人民政府", court="淮安市清江浦区人民法院")
    remedy = ("如对本答复不服，可以自收到本答复书之日起六十日内向{}申请行政复议，"
              "或者自收到本答复书之日起六个月内向{}提起行政诉讼。")
    try:
        web = _paras(c.get(f"/register/{a.pk}/r/{ref}/letter/reply").content)
        out = tmp_path / "reply.docx"
        capsys.readouterr()
        assert main(["register", "letter", ref, "reply", "-o", str(out), "--db", register_url(a.pk)]) == 0
        assert capsys.readouterr().err == ""          # before: 注意：文书中的署名机关（agency，现为“本机关”）…
        cli = _paras(out.read_bytes())
        assert cli == web
        assert [p.strip() for p in cli if p.strip()][-2:] == [a.name, "2026年1月20日"]
        assert remedy.format("淮安市人民政府", "淮安市清江浦区人民法院") in cli
    finally:
        Body.objects.filter(pk=a.pk).update(review_body="", court="")
    # a register of no site: the settings file's agency signs (here its placeholder, and warned)
    own = tmp_path / "own.sqlite3"
    Register(str(own), create=True).close()
    (tmp_path / "register.yaml").write_text("agency: 某县某某局\nreview_body: 某县人民政府\n", encoding="utf-8")
    assert main(["register", "add", "--db", str(own), "--name", "周八", "--type", "自然人", "--channel", "当面",
                 "--content", "某小区规划许可", "--date", "2026-01-05"]) == 0
    assert main(["register", "reply", "2026-000001", "--db", str(own), "--outcome", "予以公开", "--ground", "2",
                 "--date", "2026-01-20"]) == 0
    assert main(["register", "letter", "2026-000001", "reply", "-o", str(out), "--db", str(own)]) == 0
    cli = _paras(out.read_bytes())
    assert [p.strip() for p in cli if p.strip()][-2:] == ["某县某某局", "2026年1月20日"]
    assert remedy.format("某县人民政府", "有管辖权的人民法院") in cli


def test_the_cli_finds_a_web_site_whose_database_is_elsewhere(tmp_path, monkeypatch, capsys):
    """``web_body_of`` looked for the site's database only at <web home>/web.sqlite3: for a site
    started with ``--db sqlite:///…`` elsewhere (GONGKAI_WEB_DB), the CLI on a body's register
    signed its letters 本机关 and sent the clerk to the settings file. It now reads the database
    where the settings put it, and without them says which two to set (PostgreSQL:
    test_web_postgres.py, the web's table in the register's own database)."""
    import os
    import subprocess
    import sys

    from gongkai.cli import main

    home, web_db = tmp_path / "site", tmp_path / "数据库" / "网站.sqlite3"
    site = {"GONGKAI_WEB_HOME": str(home), "GONGKAI_WEB_DB": f"sqlite:///{web_db}"}
    r = subprocess.run([sys.executable, "-m", "gongkai", "users", "body", "淮安市清江浦区教育局", "--region", "320812"],
                       env={**os.environ, **site, "XDG_CONFIG_HOME": str(tmp_path / "config")},
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert web_db.is_file() and not (home / "web.sqlite3").exists()
    for name, value in site.items():
        monkeypatch.setenv(name, value)
    settings_file = tmp_path / "register.yaml"                    # none: the placeholders
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(settings_file))
    monkeypatch.setenv("GONGKAI_LETTER_TEMPLATES", str(tmp_path / "letters"))
    db = str(home / "registers" / "body-1.sqlite3")
    assert main(["register", "add", "--db", db, "--name", "周八", "--type", "自然人", "--channel", "当面",
                 "--content", "某小区规划许可", "--date", "2026-01-05"]) == 0
    assert main(["register", "reply", "2026-000001", "--db", db, "--outcome", "予以公开", "--ground", "2",
                 "--date", "2026-01-20"]) == 0
    out = tmp_path / "reply.docx"
    capsys.readouterr()
    assert main(["register", "letter", "2026-000001", "reply", "-o", str(out), "--db", db]) == 0
    assert capsys.readouterr().err == ("gongkai：文书中的行政复议机关按本机关的类型和所在区划确定为“淮安市清江浦区人民政府”"
                                       "（《中华人民共和国行政复议法》第二十四条）；如不对，"
                                       "请系统管理员在管理页面的“机关”中为本机关填写行政复议机关。\n")
    letter = [p.strip() for p in _paras(out.read_bytes()) if p.strip()]
    assert letter[-2:] == ["淮安市清江浦区教育局", "2026年1月20日"]       # before: 本机关
    # the settings do not name the site's database: the placeholders sign, and the clerk is told
    # what to set where
    monkeypatch.delenv("GONGKAI_WEB_DB")
    assert main(["register", "letter", "2026-000001", "reply", "-o", str(out), "--db", db]) == 0
    assert capsys.readouterr().err == (
        "gongkai：注意：文书中的署名机关（agency，现为“本机关”）、行政复议机关（review_body，现为“本级人民政府”）是默认设置，"
        f"发出文书前请在设置文件 {settings_file} 中加两行 “agency: 某县某某局”、“review_body: 某县人民政府”"
        "（换成本机关的实际情况；文件不存在就新建）。这个台账是网页应用中编号为 1 的机关的，但没有读到该网站的数据库："
        "请像启动网页服务时一样设置环境变量 GONGKAI_WEB_HOME 和 GONGKAI_WEB_DB，文书就与网页一样按该机关落款。\n")
    assert [p.strip() for p in _paras(out.read_bytes()) if p.strip()][-2:] == ["本机关", "2026年1月20日"]
