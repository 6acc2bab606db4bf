"""Start-up of the bundled Hotspot: process start -> demo map on screen (target <= 5 s).

Runs ``hotspot --smoke-test`` from the bundle (offscreen, throw-away user folders) and
times, from outside, the moment its "smoke test: ok" line appears: the window is open,
the demo's data are loaded and its map page has finished loading. The peer is the
pip-installed app doing the same in the same run (``python -m hotspot --smoke-test``).
Two cases: the first start (the demo is generated into the user's data folder) and
later starts (the demo is there).

    python benchmarks/bench_bundle_start.py [--bundle dist/hotspot] [--repeat 3]

Without ``--bundle`` (and no ``dist/hotspot``) the bundle is built first into a
temporary folder (about a minute; needs the ``bundle`` extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


sys.path.insert(0, str(ROOT / "packaging"))

import check_bundle  # noqa: E402

TARGET_S = 5.0


def time_to_map(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting ``cmd`` to its "smoke test: ok" line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    seen = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("smoke test: ok"):
            seen = time.perf_counter() - start
        elif line.startswith("smoke test:"):
            proc.kill()
            raise RuntimeError(f"{cmd[0]}: {line.strip()}")
    proc.wait(timeout=120)
    if seen is None or proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} --smoke-test failed (exit {proc.returncode})")
    return seen


def measure(cmd: list[str], env: dict[str, str], home: Path, repeat: int) -> tuple[float, float]:
    """(first start, median of later starts) in seconds."""
    data = home / "data"
    shutil.rmtree(data, ignore_errors=True)
    first = time_to_map(cmd, env, home)
    later = [time_to_map(cmd, env, home) for _ in range(repeat)]
    return first, statistics.median(later)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="a built bundle folder (dist/hotspot)")
    parser.add_argument("--repeat", type=int, default=3, help="later starts to time")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotspot-bench-bundle-"))
    folder = args.bundle or (ROOT / "dist" / "hotspot")
    if not check_bundle.executable(folder).exists():
        cmd = [sys.executable, str(ROOT / "packaging" / "build.py"), "--quiet"]
        subprocess.run([*cmd, "--dist", str(tmp / "dist"), "--work", str(tmp / "work")], check=True)
        folder = tmp / "dist" / "hotspot"
    home = tmp / "home"
    home.mkdir()
    env = check_bundle.clean_environment(home)
    env["HOTSPOT_DATA_DIR"] = str(home / "data")
    exe = check_bundle.executable(folder)
    bundled = measure([str(exe), "--smoke-test"], env, home, args.repeat)
    pip_env = {**os.environ, **{k: v for k, v in env.items() if k != "PATH"}}
    pip = measure([sys.executable, "-m", "hotspot", "--smoke-test"], pip_env, home, args.repeat)
    print(f"\noffscreen, {os.cpu_count()} cores; later starts: median of {args.repeat}")
    for label, (b, p) in (("first start (demo generated)", (bundled[0], pip[0])),
                          ("later start", (bundled[1], pip[1]))):  # fmt: skip
        verdict = "met" if b <= TARGET_S else "NOT met"
        print(f"{label:30s} bundle {b:5.2f} s   target <= {TARGET_S:.0f} s ({verdict})")
        print(f"{'':30s} pip    {p:5.2f} s   ratio bundle/pip {b / p:.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
