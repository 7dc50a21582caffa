#!/usr/bin/env bash
# Set up, then answer a sample question about the bundled article.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/newsdesk ask "${1:-Who did the Chinese defence minister meet, and when?}"
