#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install newsdesk with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "newsdesk needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# constraints.txt pins torch to the CPU build; an unpinned torch pulls a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c "import retrieval, bot, faiss, sentence_transformers, spacy" \
    || { echo "setup: the install is incomplete" >&2; exit 1; }
