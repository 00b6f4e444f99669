#!/usr/bin/env bash
# Create .venv (if needed) and install ifn-bot into it from the lock file: every
# package at the pinned version with its sha256 checked (--require-hashes), then the
# project itself without dependencies. IFN_LOCK picks the lock (default: the test
# lock, runtime + test extra; the Dockerfile uses requirements/runtime.txt).
# Nothing to do when neither the lock nor pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
LOCK="${IFN_LOCK:-requirements/test.txt}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.ifn-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$LOCK" -nt "$stamp" ] \
    || [ "$(cat "$stamp")" != "$LOCK" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$LOCK" > "$stamp"
fi
