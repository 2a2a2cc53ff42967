"""``gongkai serve`` (the web application) and ``gongkai users`` (accounts, bodies, API tokens).

The server is waitress (a production WSGI server, pure Python); without it, Django's
development server is used and a note says so.  Migrations run on every start.
"""

from __future__ import annotations

import errno
import os
import shlex
import signal
import socket
import sys
import threading
import time

from gongkai.errors import GongkaiError, MissingDependency
from gongkai.settings import current

ROLES = {"clerk": "机关经办人", "supervisor": "地区监督人员", "admin": "系统管理员"}


def role_type(text: str) -> str:
    """``--role`` as the administrator says it: the role's Chinese name or a part of it that names
    one role (经办人, 监督, 管理员), or its id (clerk, supervisor, admin)."""
    import argparse

    text = text.strip()
    found = [key for key, name in ROLES.items() if text == key or (text and text in name)]
    if len(found) != 1:
        listed = "、".join(f"{name}（{key}）" for key, name in ROLES.items())
        raise argparse.ArgumentTypeError(f"“{text}”不是可选的角色（可选：{listed}）")
    return found[0]

# waitress's options (bench/serve_overhead.py measures waitress alone with the same ones).
# channel_request_lookahead lets waitress notice a client that went away
# (waitress.client_disconnected), so its read is stopped instead of finished for nobody.
# recv_bytes: an upload is read from the socket 64 KB at a time, not 8 KB: half waitress's CPU
# for a 400 KB PDF (the request body's bound is max_request_body_size, unchanged).
# The server is built by cli/httpserver.py (waitress's, with a channel that does not spin).
WAITRESS_OPTIONS = {"ident": "gongkai", "max_request_body_size": 64 * 1024 * 1024, "channel_request_lookahead": 1,
                    "recv_bytes": 65536}


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="启动网页应用（检查、编制、台账、汇总，以及 JSON API）",
                       description="启动网页应用。默认只监听本机（127.0.0.1:8000），数据库为用户数据目录下的 SQLite；"
                                   "--db postgresql://用户:密码@主机/库名 使用 PostgreSQL。每次启动时自动升级数据库结构。",
                       epilog="其他设置用环境变量：GONGKAI_WEB_HOME 网页数据目录（密钥、SQLite 数据库、各机关的台账）；"
                              "GONGKAI_WEB_HOSTS 除本机外允许访问的主机名，逗号分隔（--host 指定的地址也会加入）；"
                              "GONGKAI_WEB_SECURE=1 在 HTTPS 反向代理之后；GONGKAI_WEB_ORIGINS CSRF 可信来源，"
                              "如 https://gongkai.example.gov.cn；GONGKAI_WEB_MAX_UPLOAD_MB 单个上传文件的上限（默认 20）；"
                              "GONGKAI_WEB_SECRET_KEY 密钥（默认首次启动时生成并保存在网页数据目录）；"
                              "GONGKAI_CORPUS_URL 语料库数据库（“汇总”页面）；GONGKAI_TODAY 固定“今天”（仅用于演示）。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对局域网开放用 0.0.0.0）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    _db_arg(p)
    p.add_argument("--threads", type=int, default=8, help="处理请求的线程数（默认 8）")
    p.add_argument("--read-workers", type=int, metavar="N",
                   help="读取上传文件的子进程数（默认为 CPU 核数；0 表示在请求线程中读取）。子进程崩溃或超时不影响服务")
    p.add_argument("--create-admin", metavar="用户名", help="先创建系统管理员账户（交互输入密码）再启动")
    p.set_defaults(handler=run)

    u = sub.add_parser("users", help="管理网页应用的账户、机关和 API 令牌",
                       description="账户和机关保存在网页应用的数据库中（--db 与 gongkai serve 相同）。")
    _db_arg(u)
    us = u.add_subparsers(dest="action", metavar="操作")
    a = us.add_parser("add", help="新建账户")
    a.add_argument("username", metavar="用户名")
    a.add_argument("--role", type=role_type, required=True, metavar="角色",
                   help="机关经办人、地区监督人员或系统管理员；写出其中几个字即可（如 经办人），"
                        "也可写 clerk、supervisor、admin")
    a.add_argument("--body", metavar="机关名称", help="经办人所属机关（须先用 users body 创建）")
    a.add_argument("--region", metavar="行政区划代码", help="监督人员负责的地区，如 320800（淮安市）")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    b = us.add_parser("body", help="新建机关")
    b.add_argument("name", metavar="机关名称")
    b.add_argument("--region", metavar="行政区划代码", required=True, help="机关所在地的 6 位行政区划代码")
    t = us.add_parser("token", help="为账户生成 API 令牌（只显示一次）")
    t.add_argument("username", metavar="用户名")
    t.add_argument("--label", default="", help="用途说明")
    us.add_parser("list", help="列出账户和机关")
    u.set_defaults(handler=run_users)

    k = sub.add_parser("backup", help="备份本机的全部数据（台账、语料库、网页应用及各机关台账、配置），运行中也可以",
                       description="把台账数据库、语料库、网页应用的数据库和各机关的台账（SQLite 用其在线备份，运行中也"
                                   "得到一致的副本；PostgreSQL 用 pg_dump）以及网页密钥、配置文件夹（文书模板等）复制到一个"
                                   "新目录，并写出清单.json（每一份从哪里来）和恢复.sh（停止服务器后运行即恢复）。")
    k.add_argument("target", metavar="目录", help="备份目录（新建，或空目录）")
    k.add_argument("--db", metavar="URL", help="台账数据库（默认：GONGKAI_DB，否则数据目录下的 gongkai.db）")
    k.add_argument("--corpus", metavar="URL", help="语料库（默认：GONGKAI_CORPUS_URL，否则数据目录下的 corpus.db）")
    k.add_argument("--web-db", metavar="URL", help="网页应用数据库（默认：GONGKAI_WEB_DB，否则网页数据目录下的 web.sqlite3）")
    k.set_defaults(handler=run_backup)


def run_backup(args) -> int:
    from pathlib import Path

    from gongkai.db.backup import back_up
    from gongkai.db.paths import config_home

    site = current()
    made = back_up(Path(args.target), registers=args.db or site.db, corpus=args.corpus or site.corpus_url,
                   web_home=site.web_home_dir(), web_db=args.web_db or site.web_db, config=config_home())
    for c in made:
        print(f"{c.what}\t{c.source}\t→ {c.copy}")
    print(f"gongkai：已备份 {len(made)} 项到 {args.target}。恢复：先停止所有 gongkai serve，再运行 bash {shlex.quote(f'{args.target}/恢复.sh')}"
          "（清单.json 写明每一项从哪里来）。")
    return 0


def _db_arg(p) -> None:
    p.add_argument("--db", metavar="URL", help="网页应用的数据库（账户、机关、“编制”中的报告；不是台账或语料库）："
                                               "sqlite:///文件路径 或 postgresql://用户:密码@主机:端口/库名"
                                               "（默认：GONGKAI_WEB_DB，否则网页数据目录下的 web.sqlite3）")


def setup(db: str | None) -> None:
    """Configure Django for this process and bring the database schema up to date."""
    if db:
        os.environ["GONGKAI_WEB_DB"] = db
    try:
        import django  # noqa: F401
    except ImportError as exc:
        raise MissingDependency("网页应用需要 Django：pip install 'gongkai[web]'") from exc
    from gongkai.web import setup as web_setup

    try:
        web_setup()
    except OSError as exc:  # its data folder (under a read-only home, say)
        from gongkai.files import os_problem

        name, why = os_problem(exc)
        raise GongkaiError(f"无法建立网页应用的数据目录（{why}）；可用环境变量 GONGKAI_WEB_HOME 指定别的目录", name) from None
    from django.core.management import call_command
    from django.db.utils import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:   # unreachable, refused, no right to make tables (was an internal error)
        from gongkai.db import database_reason, describe
        from gongkai.settings import current

        reason = database_reason(exc)
        advice = ("：请让数据库管理员授予该用户建表的权限（如 GRANT CREATE ON SCHEMA public TO 用户名），或换用有权限的用户"
                  if "权限" in reason and "连接" not in reason else "")
        raise GongkaiError(f"无法打开或升级网页应用数据库（{reason}）{advice}", describe(current().web_db) or None) from None


def _password(from_stdin: bool, user) -> str:
    import getpass

    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if from_stdin:
        pw = sys.stdin.readline().rstrip("\n")
    elif not sys.stdin.isatty():  # getpass would warn in English and echo what it reads
        raise GongkaiError("没有终端，无法交互输入密码：请在终端中运行；在脚本中用 "
                           "gongkai users add 用户名 --role … --password-stdin（从标准输入读取一行密码）。")
    else:
        pw = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != pw:
            raise GongkaiError("两次输入的密码不一致。")
    try:
        validate_password(pw, user)
    except ValidationError as exc:
        raise GongkaiError("密码不符合要求：" + "；".join(exc.messages)) from None
    return pw


def create_user(username: str, role: str, body: str | None = None, region: str | None = None,
                password: str | None = None, from_stdin: bool = False):
    from django.contrib.auth.models import User
    from django.db import transaction

    from gongkai.web.models import Body, UserProfile

    if User.objects.filter(username=username).exists():
        raise GongkaiError(f"账户“{username}”已存在。")
    body_obj = None
    if role == "clerk":
        if not body:
            raise GongkaiError("机关经办人须用 --body 指定所属机关。")
        body_obj = Body.objects.filter(name=body).first()
        if body_obj is None:
            raise GongkaiError(f"没有名为“{body}”的机关；请先运行 gongkai users body “{body}” --region 代码。")
    if role == "supervisor" and not (region and len(region) == 6 and region.isdigit()):
        raise GongkaiError("地区监督人员须用 --region 指定 6 位行政区划代码。")
    with transaction.atomic():
        user = User(username=username, is_staff=role == "admin", is_superuser=role == "admin")
        pw = password if password is not None else _password(from_stdin, user)
        user.set_password(pw)
        user.save()
        UserProfile.objects.create(user=user, role=role, body=body_obj, region_code=region or "")
    return user


def upgrade_registers() -> None:
    """Bring every body's register and the site's holiday notices up to date before serving: an
    upgrade is done and said at start-up, and a store the server cannot open (upgraded by a newer
    gongkai, held by a running old server, a full disk) stops the start with its reason — before,
    each register was migrated by its first request, and such a store failed that request instead."""
    from gongkai.db import REGISTER_COMPONENTS, Database
    from gongkai.web.models import Body
    from gongkai.web.registers import calendar_url, register_url

    upgraded: dict[int, int] = {}
    stores: list[tuple[str, tuple[str, ...], str]] = [(calendar_url(), ("gongkai.workdays",), "节假日安排")]
    stores += [(register_url(pk), REGISTER_COMPONENTS, "台账") for pk in Body.objects.order_by("pk").values_list("pk", flat=True)]
    for url, components, what in stores:
        db = Database(url, components, what=what)
        for version in db.applied_now:
            upgraded[version] = upgraded.get(version, 0) + 1
        db.close()
    if upgraded:
        print(f"gongkai：已升级 {len(stores) - 1} 个机关的台账和节假日安排的数据库结构（迁移 "
              f"{'、'.join(f'{v:04d}' for v in sorted(upgraded))}）。", file=sys.stderr, flush=True)


def upgrade_corpus() -> None:
    """Bring the 汇总's corpus up to date before serving, said on the console as the corpus
    commands say it: a rebuild's wait and its VACUUM as they start (``db.say``, printed by
    ``cli._tell_upgrades``), then what was applied.  Before, the first 汇总 request upgraded it —
    a minute or more on a large corpus, nothing said where the server was started, the request
    waiting.  A SQLite corpus not made yet stays unmade (the first upload makes it; an empty
    PostgreSQL database gets the corpus's tables, as the first 汇总 request would give it); one the
    server cannot open (upgraded by a newer gongkai, held by another program, a full disk) stops the start with
    its reason, as a register does."""
    from pathlib import Path

    from django.conf import settings

    from gongkai.cli.corpus import tell_upgrade
    from gongkai.corpus.store import Store, default_url
    from gongkai.db import is_postgres

    url = settings.CORPUS_URL or default_url()
    if not is_postgres(url) and not Path(url.removeprefix("sqlite:///")).is_file():
        return
    with Store(url, create=False) as store:
        tell_upgrade(store)


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise GongkaiError(f"端口“{args.port}”无效。")
    setup(args.db)
    upgrade_registers()
    upgrade_corpus()
    if args.create_admin:
        create_user(args.create_admin, "admin")
        print(f"gongkai：已创建系统管理员 {args.create_admin}。")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        os.environ["GONGKAI_WEB_HOSTS"] = ",".join((*current().web_hosts, args.host))  # for the settings module
        from django.conf import settings

        settings.ALLOWED_HOSTS.append(args.host)
        if args.host == "0.0.0.0":
            settings.ALLOWED_HOSTS.append("*")
    from gongkai.web.settings import DATABASES, HOME

    db = DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"PostgreSQL {db['HOST']}/{db['NAME']}"
    if not db["ENGINE"].endswith("sqlite3") and not current().web_secret_key:
        # a second server on the same database signs sessions with its own key: a clerk signed in on one
        # was sent to the login page by the other (docs/scale-out.md)
        print(f"gongkai：注意：登录会话用本机网页数据目录中的密钥（{HOME / 'secret_key'}）签名。同一数据库上的其他 "
              "gongkai serve 须用同一个密钥（复制这个文件，或都设置 GONGKAI_WEB_SECRET_KEY），否则在一台上登录的"
              "用户到另一台须重新登录。", file=sys.stderr, flush=True)
    try:
        from gongkai.cli.httpserver import create_server
    except ImportError:
        print(f"gongkai：网页应用 http://{args.host}:{args.port}/ （数据库：{where}；按 Ctrl+C 停止）", flush=True)
        print("gongkai：注意：未安装 waitress，改用 Django 开发服务器（仅供试用，不宜对外提供服务）。"
              "安装：pip install 'gongkai[web]'", file=sys.stderr)
        from django.core.management import call_command

        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
        return 0
    from gongkai import isolate
    from gongkai.web.wsgi import application

    # Bound before it is announced: a port another program holds is said plainly, not as an internal error
    # after a line saying the application is there.
    try:
        server = create_server(application, host=args.host, port=args.port, threads=max(1, args.threads),
                               **WAITRESS_OPTIONS)
    except (OSError, ValueError) as exc:  # waitress: ValueError for a host name it cannot resolve
        raise GongkaiError(_unbound(args.host, args.port, exc)) from None
    print(f"gongkai：网页应用 http://{args.host}:{args.port}/ （数据库：{where}；按 Ctrl+C 停止）", flush=True)
    if args.read_workers != 0:  # uploaded files are read in child processes (gongkai/isolate.py)
        isolate.enable(args.read_workers)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stopped)  # a service manager's stop: as Ctrl+C, the finally below runs
    try:
        server.run()
    finally:
        isolate.stopping.set()
        isolate.disable()
        end_descendants()
    return 0


def _stopped(signum, frame) -> None:
    print("gongkai：收到停止信号（SIGTERM），网页应用已停止。", file=sys.stderr, flush=True)
    raise SystemExit(0)


def end_descendants(seconds: float = 5.0) -> None:
    """No process the server started outlives it.  A corpus upload's ingest runs in a
    multiprocessing forkserver's workers (with its resource tracker); stopped while they worked —
    or merely after one upload — they were left running, orphaned, for good.  SIGTERM to each
    descendant, then SIGKILL to any still there after ``seconds`` (looked for again: an ingest
    still winding down in a worker thread may have started one since).  Linux (/proc); elsewhere
    nothing.

    The resource tracker is left alone: it ignores SIGTERM and ends by itself, freeing what the
    workers left, once the last process holding its pipe (this one, the forkserver, the workers)
    has ended.  Killed, it was started again by that winding-down ingest, and the new one printed
    a traceback for every semaphore it had never been told of."""
    for sig, wait in ((signal.SIGTERM, seconds), (signal.SIGKILL, 1.0)):
        left = [pid for pid in _descendants(os.getpid()) if not _resource_tracker(pid)]
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            left = [pid for pid in left if _running(pid)]
            time.sleep(0.05)


def _resource_tracker(pid: int) -> bool:
    # This process's tracker by the pid multiprocessing keeps (its command line is empty until its
    # exec is done); another's by its command line.
    module = sys.modules.get("multiprocessing.resource_tracker")
    if pid == getattr(getattr(module, "_resource_tracker", None), "_pid", None):
        return True
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"multiprocessing.resource_tracker" in f.read()
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as f:
                    children = [int(c) for c in f.read().split()]
            except OSError:
                continue
            out += children
            todo += children
    return out


def _running(pid: int) -> bool:
    """Alive and not a zombie (a child of ours that ended is reaped here)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:  # not our child: its state tells
        pass
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _unbound(host: str, port: int, exc: OSError | ValueError) -> str:
    """Why the server could not listen on host:port, in words a user can act on."""
    if isinstance(exc, ValueError) or isinstance(exc, socket.gaierror) or exc.errno in (errno.EADDRNOTAVAIL,
                                                                                           errno.EAFNOSUPPORT):
        return f"无法在地址“{host}”上监听：本机没有这个地址。请用 --host 指定本机的地址，如 127.0.0.1 或 0.0.0.0。"
    if exc.errno == errno.EADDRINUSE:
        return (f"端口 {port} 已被占用（{host} 上已有程序在该端口监听，可能是另一个 gongkai serve）："
                "请先停止它，或用 --port 另选一个端口。")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"无权在端口 {port} 上监听（1024 以下的端口须有系统管理员权限）：请用 --port 另选一个端口，如 8000。"
    return f"无法在 {host}:{port} 上监听（{exc.strerror or exc}）。"


def run_users(args) -> int:
    if not args.action:
        raise GongkaiError("请指定操作：add、body、token 或 list。")
    setup(args.db)
    from django.contrib.auth.models import User

    from gongkai.web.models import ApiToken, Body

    if args.action == "add":
        create_user(args.username, args.role, args.body, args.region, from_stdin=args.password_stdin)
        print(f"gongkai：已创建账户 {args.username}（{ROLES[args.role]}）。")
    elif args.action == "body":
        if not (len(args.region) == 6 and args.region.isdigit()):
            raise GongkaiError("行政区划代码应为 6 位数字，如 320804。")
        body, created = Body.objects.get_or_create(name=args.name, defaults={"region_code": args.region})
        print(f"gongkai：{'已创建' if created else '已存在'}机关 {body.name}（编号 {body.pk}，地区 {body.region_code}）。")
    elif args.action == "token":
        user = User.objects.filter(username=args.username).first()
        if user is None:
            raise GongkaiError(f"没有账户“{args.username}”。")
        print(ApiToken.issue(user, args.label))
    elif args.action == "list":
        from gongkai.web.access import role

        for b in Body.objects.all():  # with the 复议机关 and 法院 its letters name, when set (as GET /api/bodies)
            own = [f"{what}：{v}" for what, v in (("行政复议机关", b.review_body), ("管辖法院", b.court)) if v]
            print("\t".join([f"机关 {b.pk}", b.name, b.region_code, *own]))
        for user in User.objects.all().order_by("username"):
            p = getattr(user, "profile", None)
            print(f"账户 {user.username}\t{ROLES.get(role(user) or '', '未分配角色')}\t"
                  f"{p.body.name if p and p.body else ''}{p.region_code if p else ''}")
        if not User.objects.exists():  # a new site: say how to begin, not nothing
            print("gongkai：还没有账户。用 gongkai users add 用户名 --role admin 创建系统管理员，"
                  "或 gongkai serve --create-admin 用户名。", file=sys.stderr)
    return 0
