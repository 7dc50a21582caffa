#!/usr/bin/env bash
# Set up, then run the linters (ruff, hadolint), the type checker and the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/hadolint Dockerfile   # the container image (no Docker daemon needed); tests/test_deploy.py checks more
.venv/bin/python -m pytest -q "$@"
