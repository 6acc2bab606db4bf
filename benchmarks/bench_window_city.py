"""Benchmark: the window stays responsive while it loads and analyses a whole force.

Generates 3 million offences over London's LSOAs in 36 monthly files (as
``bench_run_city.py``, seeded), opens the project in the real window (offscreen), then
runs the density, Gi* and rates panels one after the other, waiting each time for the
result and the map, then chooses a shorter period. A timer on the GUI thread ticks every
20 ms; the longest gap between ticks is the longest the window froze (target: no stall
over 0.5 s). Peer in the same run: the pipeline alone loading the same project and running
the same analyses, whose time the window's total is compared with. The map must carry
aggregated layers only.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_window_city.py [--rows 3000000] [--months 36]
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _policeuk import force_arguments, lsoa_layer, write_force  # noqa: E402
from bench_run_city import write_project  # noqa: E402

TARGET_STALL = 0.5


def _wait(app, done, timeout: float) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise SystemExit("the window did not finish in time")
        app.processEvents()
        time.sleep(0.005)


def _without_window(project: Path) -> float:
    """Seconds the pipeline alone takes to load the project and run the same analyses."""
    from hotspot import pipeline
    from hotspot.model import Project
    from hotspot.pipeline import registry

    t = time.perf_counter()
    loaded = Project.load(project)
    workspace = pipeline.load_workspace(loaded)
    pipeline.select(loaded, workspace)
    for section in ("kde", "gistar", "rates"):
        registry.run_analysis(section, loaded, workspace)
    return time.perf_counter() - t


def main() -> None:
    args = force_arguments(__doc__)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hotspot.ui.app import _prepare_environment
    from hotspot.ui.main_window import MainWindow
    from hotspot.ui.settings import Settings

    _prepare_environment()  # as the app starts: Chromium's sandbox off only where it cannot run

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        from hotspot.core import paths

        os.environ[paths.ENV_SETTINGS_DIR] = str(root / "settings")  # not the user's own
        os.environ[paths.ENV_DATA_DIR] = str(root / "data")
        lsoas = lsoa_layer()
        archive, rows = write_force(
            root / "folder", args.rows, args.months, lsoas=lsoas, zip_to=root / "met.zip"
        )
        project = write_project(root, archive, lsoas)
        print(f"generated {rows:,} offences over {len(lsoas):,} LSOAs in {args.months} months")

        window = MainWindow(Settings())
        window.resize(1366, 768)
        window.show()
        ticks: list[float] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start(20)

        def settled() -> bool:
            return (
                not window.runner.busy
                and not window._map_timer.isActive()
                and (not window.map.html or window.map.loaded_html == window.map.html)
            )

        t0 = time.perf_counter()
        window.open_project(project)
        _wait(app, lambda: window.session.workspace is not None and settled(), 300)
        steps = [("open and load", t0, time.perf_counter())]
        for section in ("kde", "gistar", "rates"):
            t = time.perf_counter()
            window.analysis[section].run_button.click()
            _wait(app, lambda s=section: s in window.session.results and settled(), 300)
            steps.append((section, t, time.perf_counter()))
        # a new period, as the Data panel sets it: the offences are selected again
        t = time.perf_counter()
        old = window.session.project.selection
        window.session.set_selection(replace(old, months=6), window.session.project.groups)
        _wait(app, settled, 300)
        steps.append(("new period", t, time.perf_counter()))
        total = time.perf_counter() - t0
        timer.stop()
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        longest = max(gaps) if gaps else float("inf")
        page = window.map.html
        markers = len(re.findall(r"L\.(?:circleMarker|marker)\(", page))
        features = len(re.findall(r'"type":\s*"Feature"', page))
        window.session.dirty = False
        window.map.dispose()
        window.close()
        peer = _without_window(project)

    for name, start, end in steps:
        inside = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if start <= a < end]
        print(f"  {name:15s} {end - start:6.1f} s, longest stall {max(inside, default=0):.2f} s")
    print(
        f"window: {total:.1f} s in all; longest GUI stall {longest:.2f} s over {len(ticks):,} "
        f"ticks; map page {len(page) / 1e6:.1f} MB, {features:,} features, {markers} markers"
    )
    print(
        f"peer: the same load and analyses without a window, in this process: {peer:.1f} s "
        f"-> the window takes {total / peer:.2f}x (its map pages, tables and charts included)"
    )
    ok = longest <= TARGET_STALL and markers < 1000
    print(
        f"target: no stall over {TARGET_STALL} s, aggregated map layers: "
        + ("PASS" if ok else "MISSED TARGET")
    )


if __name__ == "__main__":
    main()
