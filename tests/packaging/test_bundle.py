"""The bundle: built with the documented command, run with no Python and no network.

Builds the Linux bundle (``python packaging/build.py``) into a temporary folder and
runs its executable the way a user does: ``--version``, ``demo``, ``run`` on the demo
with every output, and the window offscreen until the demo map is on screen, in a
network namespace of its own with every connection attempt traced. Its numbers must
be the pip-installed app's, byte for byte.

Run on its own with ``pytest -m bundle`` (``.ci/run`` does, after the README's test
command); it needs the ``bundle`` extra (``pip install -e ".[bundle]"``) and skips,
saying so, without it. The build (about a minute or two) is cached in the temporary
folder under a key made of the sources and the installed packages, so a rerun with
nothing changed only runs the bundle; ``HOTSPOT_BUNDLE_CACHE`` moves that cache.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
_spec = importlib.util.spec_from_file_location("check_bundle", PACKAGING / "check_bundle.py")
check_bundle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_bundle)

pytestmark = [pytest.mark.bundle, pytest.mark.slow]

SOURCES = (
    "hotspot",
    "resources",
    "boundaries",
    "packaging/hotspot.spec",
    "packaging/entry.py",
    "packaging/build.py",
    "pyproject.toml",
)


def _pyinstaller_missing() -> bool:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return True
    return False


if _pyinstaller_missing():
    pytest.skip(
        'the bundle test needs PyInstaller: pip install -e ".[bundle]", then pytest -m bundle '
        "(.ci/run does both)",
        allow_module_level=True,
    )


def build_key() -> str:
    """A hash of everything the bundle is made from: sources and installed packages."""
    h = hashlib.sha256(f"{sys.version} {sys.platform}".encode())
    for name in SOURCES:
        base = ROOT / name
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                h.update(f.relative_to(ROOT).as_posix().encode())
                h.update(f.read_bytes())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    h.update("\n".join(dists).encode())
    return h.hexdigest()[:16]


def _build(cache: Path) -> Path:
    """The bundle built from the current sources: from the cache or built now."""
    key = build_key()
    done = cache / key / "hotspot"
    if (cache / key / "complete").is_file() and check_bundle.executable(done).is_file():
        return done
    for old in cache.glob("*"):  # one bundle (about a gigabyte) is kept at a time
        shutil.rmtree(old, ignore_errors=True)
    scratch = cache / f"{key}.part"
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "build.py"), "--quiet"]
        + ["--dist", str(scratch / "dist"), "--work", str(scratch / "work")],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, (
        f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    assert "built in" in result.stdout
    (cache / key).mkdir(parents=True)
    (scratch / "dist" / "hotspot").rename(done)
    shutil.rmtree(scratch, ignore_errors=True)
    (cache / key / "complete").write_text(result.stdout, encoding="utf-8")
    return done


@pytest.fixture(scope="module")
def bundle() -> Path:
    cache = Path(
        os.environ.get("HOTSPOT_BUNDLE_CACHE")
        or Path(tempfile.gettempdir()) / "hotspot-bundle-cache"
    )
    return _build(cache)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, str]:
    """The pip-installed app's demo run with every output on, and its --version."""
    base = tmp_path_factory.mktemp("pip")
    try:
        out, version = check_bundle.reference_run(base)
    except check_bundle.CheckFailed as exc:
        pytest.fail(str(exc))
    return out.parent, version


@pytest.fixture(scope="module")
def checked(bundle, reference, tmp_path_factory):
    """Every check of packaging/check_bundle.py, the smoke test offline and traced."""
    work = tmp_path_factory.mktemp("bundle-check")
    try:
        report = check_bundle.check(
            bundle, work, reference=reference[0] / "out", offline=True, say=lambda _: None
        )
    except check_bundle.CheckFailed as exc:
        pytest.fail(str(exc))
    return work, report


def test_the_bundle_carries_no_unused_qt_modules_and_its_data(bundle):
    inside = bundle / "_internal"
    qt_modules = {p.name.split(".")[0] for p in (inside / "PySide6").glob("Qt*.*")}
    assert {"QtCore", "QtGui", "QtWidgets", "QtWebEngineWidgets"} <= qt_modules
    assert not qt_modules & {"Qt3DCore", "QtQuick3D", "QtCharts", "QtMultimedia", "QtQml"}
    for data in (
        "hotspot/resources/web/leaflet/leaflet.js",
        "hotspot/resources/fonts/DejaVuSans.ttf",
        "hotspot/resources/fonts/LICENSE.txt",
        "hotspot/boundaries/catalogue.toml",
        "pyproj/proj_dir/share/proj/proj.db",
        "pyogrio/proj_data/proj.db",
        "rasterio/proj_data/proj.db",
        "pyogrio/gdal_data/gdalvrt.xsd",
    ):
        assert (inside / data).is_file(), data


def test_version_is_the_pip_installed_apps(checked, reference):
    _, report = checked
    assert report["version"] == reference[1].strip()  # same Hotspot, Python, Qt, GDAL, PROJ
    assert report["version"].splitlines()[0].startswith("hotspot ")


def test_the_demo_is_byte_identical_to_the_pip_installed_apps(checked, reference):
    work, _ = checked
    ours = {p.relative_to(work / "demo"): p for p in (work / "demo").rglob("*") if p.is_file()}
    theirs = {
        p.relative_to(reference[0] / "demo"): p
        for p in (reference[0] / "demo").rglob("*")
        if p.is_file()
    }
    assert ours.keys() == theirs.keys()
    assert len(ours) > 30
    differ = [str(k) for k in ours if ours[k].read_bytes() != theirs[k].read_bytes()]
    assert differ == []


def test_run_writes_every_output_with_the_pip_installed_apps_numbers(checked, reference):
    work, _ = checked
    assert check_bundle.check_outputs(work / "out") == []
    assert check_bundle.compare_numbers(work / "out", reference[0] / "out") == []
    # the comparison can fail: the reference tables hold real, non-trivial numbers
    rates = (reference[0] / "out" / "rates_wards.csv").read_text(encoding="utf-8")
    assert len(rates.splitlines()) > 10


def test_the_window_shows_the_demo_map_without_the_network(checked):
    _, report = checked
    assert str(report["smoke"]).startswith("smoke test: ok: Wrenmoor")
    assert "no request left the machine" in str(report["smoke"])
    if sys.platform.startswith("linux") and shutil.which("unshare") and os.geteuid() == 0:
        assert str(report["offline"]).startswith("network namespace")
    if shutil.which("strace") and "strace" in str(report["offline"]):
        assert report["internet_attempts"] == []


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and shutil.which("strace")), reason="needs strace"
)
def test_the_trace_would_catch_a_connection_attempt(tmp_path):
    """Control for the check above: a program that does connect is caught."""
    prefix, _ = check_bundle.offline_prefix()
    trace = tmp_path / "trace"
    code = (
        "import socket\ntry:\n socket.create_connection(('192.0.2.1', 80), 1)\nexcept OSError: pass"
    )
    subprocess.run(
        [*prefix, "strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace)]
        + [sys.executable, "-c", code],
        check=True,
        timeout=60,
    )
    attempts = check_bundle.internet_attempts(trace)
    assert len(attempts) == 1 and "192.0.2.1" in attempts[0]
