"""The layers are a test: the import-linter contracts in pyproject.toml hold (stages never
import a later stage, the cycle layer above them, reports on top; livelihood's plumbing knows
no stage; domain rules import no models or services; services and selectors never import
views or the API)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " 0 broken" in result.stdout, result.stdout[-2000:]
