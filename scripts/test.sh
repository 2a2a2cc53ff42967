#!/usr/bin/env bash
# Install everything the tests need; install gongkai AS A USER DOES (a wheel in a fresh virtual
# environment) and drive every subcommand of it (scripts/smoke.sh); then run the whole test suite.
# GONGKAI_SMOKE=0 skips the smoke pass (for a quick local run; CI always runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test,ocr,web,corpus
if [ "${GONGKAI_SMOKE:-1}" != 0 ]; then
  echo "== smoke pass: the installed wheel, every subcommand (${SECONDS} s so far)"
  export GONGKAI_SMOKE_DIR=${GONGKAI_SMOKE_DIR:-/tmp/gongkai-smoke}
  bash scripts/smoke.sh
  GONGKAI_WHEEL=$(ls "$GONGKAI_SMOKE_DIR"/dist/gongkai-*.whl)
  export GONGKAI_WHEEL  # tests/packaging/test_wheel.py checks this same wheel
  echo "== test suite (${SECONDS} s so far)"
fi
# On every core: most tests use one, and the suite took 12 minutes in one process.  --dist loadfile
# keeps a file's tests in one worker, so its module fixtures are built once.
exec python3 -m pytest -q -n auto --dist loadfile "$@"
