#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml's ranges (and requirements/build.in):
#   requirements/runtime.txt  what the bot runs with (Dockerfile)
#   requirements/test.txt     runtime + the test extra (scripts/setup.sh, CI)
# Resolved for CPython 3.11 on x86_64 Linux, with every file's sha256, by uv (pinned
# below; installed into .venv-lock on first use). `--upgrade` moves every pin to the
# newest version the ranges allow; without it the pins stay where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
if [ ! -x .venv-lock/bin/uv ] || ! .venv-lock/bin/uv --version | grep -q " $UV_VERSION"; then
  "${PYTHON:-python3}" -m venv .venv-lock
  .venv-lock/bin/python -m pip install --quiet "uv==$UV_VERSION"
fi
compile() {
  .venv-lock/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
    --python-platform x86_64-manylinux_2_28 --no-header --index-url https://pypi.org/simple \
    pyproject.toml requirements/build.in "$@"
}
compile --output-file requirements/runtime.txt "$@"
compile --extra test --output-file requirements/test.txt "$@"
echo "requirements/runtime.txt: $(grep -c '==' requirements/runtime.txt) pins; requirements/test.txt: $(grep -c '==' requirements/test.txt) pins"
