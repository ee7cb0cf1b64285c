"""The test suite's Node.js packages (``tests/node``): installed from the lock file on first use.

The calendar tests parse feeds with Mozilla's ical.js; the browser tests check pages with
axe-core. Both come from ``tests/node/package-lock.json`` through ``npm ci``; a test that
needs them skips, saying why, where Node.js or npm is missing or the install fails.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"


def node_package(name: str) -> Path:
    """The folder of the installed package ``name`` (installing the lock file if needed)."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip(f"Node.js and npm are needed for {name}; not installed")
    folder = NODE_DIR / "node_modules" / name
    # Test workers share the folder: one installs, the others wait for it.
    with (NODE_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "package.json").exists():
            done = subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if done.returncode != 0:
                reason = done.stderr.strip()[-300:]
                pytest.skip(f"could not install {name} with npm ci: {reason}")
    return folder
