"""The compile cache works when gencraft is installed read-only (see gencraft.numba_cache)."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gencraft import numba_cache

PACKAGE = Path(numba_cache.__file__).resolve().parent


def test_configure_picks_the_user_cache_when_the_package_is_read_only(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(numba_cache, "_writable", lambda folder: False)
    numba_config = sys.modules.get("numba.core.config")
    if numba_config is not None:
        monkeypatch.setattr(numba_config, "CACHE_DIR", numba_config.CACHE_DIR)
    numba_cache.configure()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "gencraft" / "numba")
    assert numba_cache.cache_dir() == str(tmp_path / "gencraft" / "numba")


def test_configure_keeps_a_users_choice_and_the_default_when_writable(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setattr(numba_cache, "_writable", lambda folder: False)
    numba_cache.configure()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "mine")
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setattr(numba_cache, "_writable", lambda folder: True)
    numba_cache.configure()
    assert "NUMBA_CACHE_DIR" not in os.environ


# A process that imports gencraft from `site` (read-only), computes noise and reports
# where its compiled kernel came from. As root, chmod does not stop writes, so the
# process also sees the folder as read-only through os.access (what gencraft checks)
# and numba's own writability probe.
_CHILD = r"""
import json, os, sys, tempfile
site = sys.argv[1]
real_access = os.access
def access(path, mode, *a, **k):
    if str(path).startswith(site) and mode & os.W_OK:
        return False
    return real_access(path, mode, *a, **k)
os.access = access
real_tf = tempfile.TemporaryFile
def temporary_file(*a, dir=None, **k):
    if dir is not None and str(dir).startswith(site):
        raise PermissionError(13, "read-only", dir)
    return real_tf(*a, dir=dir, **k)
tempfile.TemporaryFile = temporary_file
sys.path.insert(0, site)
import gencraft
assert gencraft.__file__.startswith(site), gencraft.__file__
from gencraft import noise
from gencraft.noise.simplex import simplex2_at
value = simplex2_at(0.5, 0.25, noise.table(3))
s = simplex2_at.stats
print(json.dumps({"value": value, "hits": sum(s.cache_hits.values()), "misses": sum(s.cache_misses.values()),
                  "cache_path": s.cache_path, "env": os.environ.get("NUMBA_CACHE_DIR")}))
"""


@pytest.mark.timeout(600)
def test_read_only_install_caches_kernels_in_the_user_folder(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "gencraft", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in [site, *site.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONDONTWRITEBYTECODE="1")

    def child():
        done = subprocess.run([sys.executable, "-c", _CHILD, str(site)], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    try:
        first, second = child(), child()
    finally:
        for path in [site, *site.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    user_cache = tmp_path / "cache" / "gencraft" / "numba"
    assert first["env"] == str(user_cache)
    assert first["cache_path"].startswith(str(user_cache)), first
    assert first["misses"] >= 1 and any(user_cache.rglob("*.nbi"))
    assert second["hits"] >= 1 and second["misses"] == 0, second   # the second process compiled nothing
    assert second["value"] == first["value"]
    assert not list(site.rglob("*.nbi")), "nothing may be written into the read-only package"
