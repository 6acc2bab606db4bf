"""Build Hotspot as one folder that runs without Python: ``python packaging/build.py``.

Run it from the environment Hotspot is installed in, with the ``bundle`` extra::

    pip install -e ".[bundle]"
    python packaging/build.py                 # -> dist/hotspot/ (and dist/Hotspot.app on macOS)
    python packaging/build.py --check         # ... then run the bundle's checks (check_bundle.py)

The same command works on Windows, macOS and Linux; each builds for its own platform
(PyInstaller does not cross-compile). On Windows the folder holds ``hotspot.exe`` (the
window, no console) and ``hotspot-cli.exe`` (the command line).
It prints the folder, its size and the build time. Options: ``--dist`` and ``--work``
choose the output and scratch folders (default ``dist/`` and ``build/`` in the
repository), ``--check`` runs :mod:`check_bundle` on the result.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from check_bundle import executable, folder_size

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "hotspot.spec"
NAME = "hotspot"


def build(dist: Path, work: Path, *, quiet: bool = False) -> tuple[Path, float]:
    """Run PyInstaller on the spec; return the bundle folder and the seconds it took.

    Raises
    ------
    SystemExit
        When PyInstaller is missing or fails (its output says why).
    """
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            'build: PyInstaller is not installed here; run pip install -e ".[bundle]" first'
        ) from None
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    if quiet:
        cmd[3:3] = ["--log-level", "WARN"]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONNOUSERSITE": "1"})
    if done.returncode != 0:
        raise SystemExit(f"build: PyInstaller failed (exit {done.returncode})")
    return dist / NAME, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder")
    parser.add_argument("--check", action="store_true", help="run check_bundle.py afterwards")
    parser.add_argument("--quiet", action="store_true", help="PyInstaller warnings only")
    args = parser.parse_args(argv)
    bundle, seconds = build(args.dist.resolve(), args.work.resolve(), quiet=args.quiet)
    size = folder_size(bundle)
    print(f"build: {bundle} ({size / 1e6:.0f} MB) built in {seconds:.0f} s")
    print(f"build: run it with {executable(bundle)}")
    if args.check:
        return subprocess.run(
            [sys.executable, str(HERE / "check_bundle.py"), str(bundle)]
        ).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
