"""Check a built Hotspot bundle the way a user runs it: ``python packaging/check_bundle.py DIR``.

Runs the bundle's own executable, with no Python environment, no network settings
and throw-away user folders:

1. ``hotspot --version`` names Hotspot, Python, Qt, GDAL and PROJ;
2. ``hotspot demo`` writes the demo borough;
3. ``hotspot run`` on the demo with every output switched on (every analysis, the six
   print maps as PNG, PDF and SVG, the HTML map, the briefing pack with a ward page,
   CSV tables, GeoPackages, GeoTIFF) writes every file, each of the right kind;
4. ``hotspot --smoke-test`` opens the window (offscreen) on the demo and waits for
   its map.

With ``--compare`` the same demo run is made with the installed app (``python -m
hotspot`` in the Python running this script), and the bundle's CSV tables and
``summary.txt`` must be byte-identical to its (``--reference DIR`` compares with the
outputs in DIR instead). On Linux,
``--offline`` runs the smoke test in a network namespace of its own and, when
``strace`` is installed, fails on any attempt to open an internet connection.

Standard library only, so the CI of every platform can run it; the test suite
imports it (tests/packaging/test_bundle.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CSV_FILES = (
    "rates_wards.csv",
    "rates_lsoas.csv",
    "ward_summary.csv",
    "bivariate_lsoas.csv",
    "kde_hotspot_zones.csv",
    "gistar_cells.csv",
    "gistar_lsoas.csv",
)
MAPS = ("kde", "gistar", "rates", "change", "clusters", "bivariate")
MAP_FORMATS = ("png", "pdf", "svg")
MAGIC = {
    ".png": b"\x89PNG\r\n\x1a\n",
    ".pdf": b"%PDF-",
    ".gpkg": b"SQLite format 3\x00",
    ".tif": (b"II*\x00", b"MM\x00*"),
}


def expected_outputs() -> list[str]:
    """Every file ``hotspot run`` writes when every output is switched on."""
    maps = [f"map_{m}.{f}" for m in MAPS for f in MAP_FORMATS]
    return [
        "load_report.txt",
        "offences.gpkg",
        "summary.txt",
        "kde.tif",
        "results.gpkg",
        *CSV_FILES,
        *maps,
        "map.html",
        "briefing.pdf",
    ]


def all_outputs_block(ward: str) -> str:
    """The ``[outputs]`` section asking for everything (a briefing page for ``ward``)."""
    quoted = ", ".join(f'"{v}"' for v in MAPS)
    formats = ", ".join(f'"{v}"' for v in MAP_FORMATS)
    return (
        "[outputs]\n"
        'analyses = ["kde", "gistar", "rates", "bivariate"]\n'
        "load_report = true\noffences_gpkg = true\ngeotiff = true\ngpkg = true\ncsv = true\n"
        f"maps = [{quoted}]\nmap_formats = [{formats}]\n"
        "html = true\nbriefing = true\n"
        f"briefing_wards = [{json.dumps(ward)}]\n\n"
    )


def ask_for_every_output(project: Path) -> None:
    """Replace the demo project's ``[outputs]`` section by one asking for everything."""
    wards = next((project.parent / "boundaries").glob("*wards*.geojson"))
    first = json.loads(wards.read_text(encoding="utf-8"))["features"][0]["properties"]
    ward = next(v for k, v in first.items() if k.upper().endswith("NM"))
    text = project.read_text(encoding="utf-8")
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.strip().startswith("["):
            skipping = line.strip() == "[outputs]"
        if not skipping:
            kept.append(line)
    project.write_text("".join(kept) + "\n" + all_outputs_block(ward), encoding="utf-8")


def check_outputs(out: Path) -> list[str]:
    """Problems with a run's outputs: missing, empty or not of their kind (empty = fine)."""
    problems = []
    for name in expected_outputs():
        path = out / name
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        head = path.read_bytes()[:16]
        if not head:
            problems.append(f"{name}: empty")
            continue
        magic = MAGIC.get(path.suffix)
        if magic is not None and not head.startswith(magic):
            problems.append(f"{name}: not a {path.suffix} file")
        if path.suffix == ".svg" and b"<svg" not in path.read_bytes()[:2000]:
            problems.append(f"{name}: not an SVG file")
        if name == "map.html" and "L.map(" not in path.read_text(encoding="utf-8"):
            problems.append(f"{name}: no Leaflet map in the page")
    return problems


def compare_numbers(out: Path, reference: Path) -> list[str]:
    """Tables and summary that differ from the reference run's, byte for byte."""
    return [
        f"{name}: differs from {reference / name}"
        for name in (*CSV_FILES, "summary.txt")
        if (out / name).read_bytes() != (reference / name).read_bytes()
    ]


def reference_run(work: Path) -> tuple[Path, str]:
    """The installed app's (``python -m hotspot``) demo run with every output; its --version.

    Returns the output folder and what ``--version`` printed.
    """

    def hotspot(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "hotspot", *args],
            capture_output=True,
            text=True,
            cwd=work,
            timeout=900,
        )
        if done.returncode != 0:
            raise CheckFailed(f"the installed hotspot {args[0]} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    work.mkdir(parents=True, exist_ok=True)
    hotspot("demo", str(work / "demo"), "--quiet")
    ask_for_every_output(work / "demo" / "project.toml")
    hotspot("run", str(work / "demo" / "project.toml"), "--out", str(work / "out"), "--quiet")
    return work / "out", hotspot("--version")


def clean_environment(home: Path, qpa: str = "offscreen") -> dict[str, str]:
    """An environment with no Python and no network settings, user folders in ``home``.

    ``qpa`` is Qt's platform plugin for the window ("offscreen" draws without a screen;
    "native" leaves Qt to use the desktop's).
    """
    keep = ("PATH", "SYSTEMROOT", "WINDIR", "TEMP", "TMP", "TMPDIR", "LANG", "LC_ALL")
    env = {k: v for k, v in os.environ.items() if k.upper() in keep}
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:  # the bundle must not find the developer's Python
        parts = env.get("PATH", "").split(os.pathsep)
        env["PATH"] = os.pathsep.join(p for p in parts if not p.startswith(venv))
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        MPLCONFIGDIR=str(home / "matplotlib"),
        HOTSPOT_SMOKE_TIMEOUT="90",
        # a proxy that answers nothing: a request that escaped would fail, not leak
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        ALL_PROXY="http://127.0.0.1:9",
        NO_PROXY="",
    )
    if qpa != "native":
        env["QT_QPA_PLATFORM"] = qpa
    return env


def offline_prefix() -> tuple[list[str], str]:
    """A command prefix that runs a program with no network, and what it does.

    Linux only: a network namespace of its own (``unshare -n``, or ``-rn`` for an
    ordinary user), traced with strace when it is installed.
    """
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        return [], "no network namespace on this platform"
    for flags in (["-n"], ["-rn"]):
        probe = subprocess.run(["unshare", *flags, "true"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", *flags], f"network namespace (unshare {' '.join(flags)})"
    return [], "unshare is not permitted here"


INET_CONNECT = re.compile(r"connect\(\d+, \{sa_family=AF_INET6?, [^}]*\}")


def internet_attempts(trace: Path) -> list[str]:
    """The internet connections a strace log shows the program trying to open."""
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    return sorted({m.group(0) for line in lines for m in [INET_CONNECT.search(line)] if m})


def executable(folder: Path) -> Path:
    """The command-line executable of a bundle folder (or of ``Hotspot.app``)."""
    folder = Path(folder)
    if sys.platform == "win32":
        return folder / "hotspot-cli.exe"
    if folder.suffix == ".app":
        return folder / "Contents" / "MacOS" / "hotspot"
    return folder / "hotspot"


def folder_size(folder: Path) -> int:
    """Bytes in the files under ``folder`` (symbolic links not followed)."""
    return sum(
        p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink()
    )


class Bundle:
    """Runs a bundle's executable in a clean environment with throw-away user folders."""

    def __init__(self, folder: Path, home: Path, qpa: str = "offscreen"):
        self.folder = Path(folder)
        self.exe = executable(self.folder)
        self.home = Path(home)
        self.env = clean_environment(self.home, qpa)

    def run(
        self, *args: str, prefix: list[str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess:
        """Run ``hotspot ARGS`` from the bundle; the completed process (text output)."""
        return subprocess.run(
            [*(prefix or []), str(self.exe), *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.home,
            timeout=timeout,
        )


def _must(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode != 0:
        raise CheckFailed(
            f"{what} exited {done.returncode}\n--- stdout\n{done.stdout[-4000:]}\n"
            f"--- stderr\n{done.stderr[-4000:]}"
        )


class CheckFailed(Exception):
    """A check of the bundle failed; the message says which and shows the output."""


def check(
    folder: Path,
    work: Path,
    *,
    reference: Path | None = None,
    offline: bool = False,
    qpa: str = "offscreen",
    say=print,
) -> dict[str, object]:
    """Run every check on the bundle in ``folder``; scratch files go to ``work``.

    Returns what was measured (seconds per step, the smoke test's line); raises
    :class:`CheckFailed` on the first failure.
    """
    bundle = Bundle(folder, work / "home", qpa)
    bundle.home.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {}

    t = time.perf_counter()
    done = bundle.run("--version")
    _must(done, "hotspot --version")
    names = [line.split(" ", 1)[0] for line in done.stdout.splitlines()]
    for name in ("hotspot", "Python", "Qt", "GDAL", "PROJ"):
        if name not in names:
            raise CheckFailed(f"hotspot --version does not name {name}:\n{done.stdout}")
    report["version"] = done.stdout.strip()
    say(f"check: --version ok ({time.perf_counter() - t:.1f} s)")

    demo = work / "demo"
    t = time.perf_counter()
    _must(bundle.run("demo", str(demo), "--quiet"), "hotspot demo")
    project = demo / "project.toml"
    if not project.is_file():
        raise CheckFailed(f"hotspot demo wrote no {project}")
    say(f"check: demo ok ({time.perf_counter() - t:.1f} s)")

    ask_for_every_output(project)
    out = work / "out"
    t = time.perf_counter()
    _must(bundle.run("run", str(project), "--out", str(out), "--quiet"), "hotspot run")
    report["run_s"] = time.perf_counter() - t
    problems = check_outputs(out)
    if problems:
        raise CheckFailed("hotspot run outputs:\n  " + "\n  ".join(problems))
    say(f"check: run ok, {len(expected_outputs())} outputs ({report['run_s']:.1f} s)")
    if reference is not None:
        differ = compare_numbers(out, reference)
        if differ:
            raise CheckFailed("numbers differ from the reference run:\n  " + "\n  ".join(differ))
        say(f"check: tables and summary identical to {reference}")

    prefix, how = offline_prefix() if offline else ([], "network allowed")
    trace = work / "smoke.strace"
    if prefix and shutil.which("strace"):
        prefix = [*prefix, "strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace)]
        how += ", connections traced with strace"
    t = time.perf_counter()
    done = bundle.run("--smoke-test", prefix=prefix, timeout=300)
    report["smoke_s"] = time.perf_counter() - t
    _must(done, f"hotspot --smoke-test ({how})")
    line = next((x for x in done.stdout.splitlines() if x.startswith("smoke test: ok")), None)
    if line is None:
        raise CheckFailed(f"the smoke test printed no success line:\n{done.stdout}")
    report["smoke"] = line
    report["offline"] = how
    if trace.exists():
        attempts = internet_attempts(trace)
        report["internet_attempts"] = attempts
        if attempts:
            raise CheckFailed("the smoke test tried to connect:\n  " + "\n  ".join(attempts))
    say(f"check: {line} ({how}; {report['smoke_s']:.1f} s in all)")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the bundle folder (dist/hotspot)")
    parser.add_argument("--reference", type=Path, help="outputs of the pip-installed app")
    parser.add_argument(
        "--compare", action="store_true", help="make the reference with the installed app"
    )
    parser.add_argument("--offline", action="store_true", help="smoke test with no network")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--qpa", default="offscreen", help='Qt platform for the window ("native": the desktop)'
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="hotspot-check-"))
    try:
        reference = args.reference
        if args.compare and reference is None:
            reference, _ = reference_run(work / "installed")
        check(args.bundle, work, reference=reference, offline=args.offline, qpa=args.qpa)
    except CheckFailed as exc:
        print(f"check: FAILED: {exc}", file=sys.stderr)
        return 1
    print("check: the bundle works")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
