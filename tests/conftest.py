"""Shared fixtures: paths, a CLI runner that reports exit codes like the real binary."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKETCHES = ROOT / "sketches"


@pytest.fixture
def run_cli():
    """Run `gencraft ARGS...` in a subprocess; returns CompletedProcess (text)."""

    def _run(*args, cwd=None, timeout=600, env=None):
        return subprocess.run([sys.executable, "-m", "gencraft", *map(str, args)], capture_output=True,
                              text=True, cwd=cwd, timeout=timeout, env=env)

    return _run


@pytest.fixture
def write_sketch(tmp_path):
    """Write a sketch file from source text and return its path."""

    def _write(source: str, name: str = "sketch.py") -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return _write
