#!/usr/bin/env bash
# Install gongkai as a user does and drive every subcommand of the installed copy.
#
#   1. build a wheel from the files git tracks (a copy, so no build leftovers of this tree leak in);
#   2. install it with its web and corpus extras into a NEW virtual environment (not editable, no
#      system site-packages: only what the wheel declares);
#   3. run scripts/smoke.py with that environment's gongkai, from outside the source tree.
#
# The wheel is left in ${GONGKAI_SMOKE_DIR:-/tmp/gongkai-smoke}/dist for the package-data test
# (tests/packaging/test_wheel.py reads GONGKAI_WHEEL, which scripts/test.sh sets).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${GONGKAI_SMOKE_DIR:-/tmp/gongkai-smoke}
rm -rf "$work" && mkdir -p "$work/src" "$work/dist"

echo "smoke: building the wheel from the files git tracks"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
python3 -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" "$work/src"
wheel=$(ls "$work"/dist/gongkai-*.whl)
echo "smoke: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

echo "smoke: installing it into a fresh virtual environment"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "${wheel}[web,corpus]"

cd "$work"
"$work/venv/bin/python" "$root/scripts/smoke.py" --gongkai "$work/venv/bin/gongkai" --examples "$root/examples"
