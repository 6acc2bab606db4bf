"""The one worker abstraction: results in the GUI thread, cancel, replace, errors."""

from __future__ import annotations

import threading
import time

import pytest

from hotspot.core.errors import InputError
from hotspot.ui.workers import JobRunner


def _slow(steps: int, *, progress, delay: float = 0.02):
    for i in range(steps):
        progress.update(i / steps, f"step {i}")
        time.sleep(delay)
    return steps


@pytest.fixture
def runner(qtbot):
    r = JobRunner()
    yield r
    r.cancel()
    r.wait(5000)


def test_result_is_delivered_in_the_gui_thread(qtbot, runner):
    got = {}
    main = threading.get_ident()

    def on_success(result):
        got["result"] = result
        got["thread"] = threading.get_ident()

    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.submit("job", _slow, 3, on_success=on_success)
    assert blocker.args == ["job", "succeeded"]
    assert got == {"result": 3, "thread": main}
    assert not runner.busy


def test_progress_messages_reach_the_window(qtbot, runner):
    seen = []
    runner.progress.connect(lambda name, f, m: seen.append((name, f, m)))
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit("job", _slow, 4)
    assert [m for _, _, m in seen][:1] == ["step 0"]
    assert all(0.0 <= f <= 1.0 for _, f, _ in seen)
    assert {n for n, _, _ in seen} == {"job"}


def test_cancel_stops_within_a_second_and_applies_nothing(qtbot, runner):
    applied = []
    stopped = threading.Event()

    def long_job(*, progress):
        try:
            for _ in range(1000):  # 20 s if never cancelled
                progress.update(0.5, "working")
                time.sleep(0.02)
        finally:
            stopped.set()
        return "layer"

    runner.submit("kde", long_job, on_success=applied.append)
    qtbot.wait(100)
    t0 = time.perf_counter()
    assert runner.cancel("kde")
    assert not runner.is_running("kde")
    assert stopped.wait(1.0), "the job did not stop within a second of Cancel"
    assert time.perf_counter() - t0 < 1.0
    qtbot.wait(100)  # let any late signal arrive
    assert applied == []


def test_starting_again_cancels_the_previous_job(qtbot, runner):
    applied = []
    first = runner.submit("gistar", _slow, 200, on_success=lambda r: applied.append(("first", r)))
    qtbot.wait(50)
    with qtbot.waitSignal(
        runner.finished, timeout=5000, check_params_cb=lambda n, o: o == "succeeded"
    ):
        runner.submit("gistar", _slow, 2, on_success=lambda r: applied.append(("second", r)))
    assert first.token.cancelled
    assert applied == [("second", 2)]


def test_jobs_with_different_names_run_side_by_side(qtbot, runner):
    done = []
    with qtbot.waitSignals([runner.finished, runner.finished], timeout=5000):
        runner.submit("a", _slow, 2, on_success=lambda r: done.append("a"))
        runner.submit("b", _slow, 2, on_success=lambda r: done.append("b"))
    assert sorted(done) == ["a", "b"]


def test_errors_reach_the_error_callback_with_their_message(qtbot, runner):
    errors = []

    def bad(*, progress):
        raise InputError("offences.csv: no Month column; add one")

    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.submit("load", bad, on_error=errors.append)
    assert blocker.args == ["load", "failed"]
    assert len(errors) == 1 and isinstance(errors[0], InputError)
    assert "no Month column" in str(errors[0])


def test_nothing_starts_after_shutdown(qtbot):
    r = JobRunner()
    r.shutdown()
    assert r.submit("map", _slow, 1) is None
    assert not r.busy


def test_a_window_can_report_progress_without_end(tmp_path):
    """PySide6 6.12.0 drops a reference to True on every emit: on Python 3.11 the window
    died ("bool_dealloc") after some thousands of progress updates. Hotspot's window,
    in a fresh process, reports 50,000 and exits cleanly."""
    import subprocess
    import sys

    script = (
        "import gc, sys\n"
        "import hotspot.ui\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "class Job(QObject):\n"
        "    progress = Signal(int, float, str)\n"
        "    loaded = Signal(bool)\n"
        "job, seen = Job(), []\n"
        "job.progress.connect(lambda *a: None)\n"
        "job.loaded.connect(seen.append)\n"
        "for i in range(25_000):\n"
        "    job.progress.emit(1, i / 25_000, 'Counting')\n"
        "    job.loaded.emit(i % 2 == 0)\n"
        "seen.clear(); gc.collect()\n"
        "print('alive', sys.getrefcount(True) > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive True"
    assert "bool_dealloc" not in done.stderr
