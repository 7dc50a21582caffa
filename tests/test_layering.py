"""The retrieval layer never imports discord, and quotes/speakers/timeline never import torch."""

from __future__ import annotations

import subprocess
import sys


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_retrieval_works_with_discord_absent():
    result = run_python("import sys; sys.modules['discord'] = None; import retrieval.cli, retrieval.service")
    assert result.returncode == 0, result.stderr


def test_quotes_speakers_and_timeline_do_not_load_torch():
    code = (
        "import sys\n"
        "from retrieval.cli import main\n"
        "for command in (['quotes'], ['speakers'], ['timeline']):\n"
        "    assert main(command) == 0, command\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
