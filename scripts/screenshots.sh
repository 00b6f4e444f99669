#!/usr/bin/env bash
# Regenerate the README's pictures in docs/screenshots/: each moment listed in
# tests/browser/screenshots.py, played in the real sandbox in chromium from its
# fixed start. Needs Debian's chromium (as the browser tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
IFN_SCREENSHOTS="$PWD/docs/screenshots" .venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/browser/test_screenshots.py "$@"
if command -v optipng >/dev/null; then
  optipng -quiet -o2 docs/screenshots/*.png
fi
ls -l docs/screenshots/
