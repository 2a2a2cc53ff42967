#!/usr/bin/env bash
# Install what gongkai needs on a fresh Debian machine: system packages (LibreOffice for
# .doc input and PDF output, CJK fonts, poppler, Debian's chromium for browser tests, PostgreSQL
# for the register's database tests, GNU time for the bench scripts' peak memory) and the Python
# package with its extras.  Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(poppler-utils libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-gbsn00lp chromium postgresql time)
missing=()
for pkg in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: 安装系统包：${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: 请用管理员身份安装这些 Debian 包：sudo apt-get install ${missing[*]}" >&2
  fi
fi

# Debian's own Python refuses pip outside a virtual environment (PEP 668): say so, not pip's page of English.
if python3 -c 'import os, sys, sysconfig; sys.exit(sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
  python3 -m pip install -q --disable-pip-version-check -e ".[${1:-test,ocr,web,corpus}]"
else
  echo "setup: 这个 Python（$(command -v python3)）由系统管理，pip 不能往里安装。请先建一个虚拟环境再运行：" >&2
  echo "  python3 -m venv .venv && . .venv/bin/activate && bash $0" >&2
  exit 1
fi
