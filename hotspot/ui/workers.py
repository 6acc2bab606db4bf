"""Long jobs on a thread pool, adapting the Qt-free progress protocol to Qt signals.

One abstraction for every long job (loading, analyses, map pages, exports): a
:class:`Job` runs ``fn(*args, progress=..., **kwargs)`` on a pool thread where
``progress`` is a :class:`hotspot.core.progress.CallbackProgress`, and reports through a
``QObject`` of signals. A :class:`JobRunner` owns the jobs of a window:

- the window stays responsive (the work runs on a pool thread);
- :meth:`JobRunner.cancel` stops the job at its next ``check_cancelled`` and, at
  once, forgets it: its result is never applied, so no half-made layer appears;
- starting a job under a name already running cancels the previous one;
- callbacks (``on_success``, ``on_error``) always run in the GUI thread.

Why Python threads rather than ``QThreadPool``: pyproj 3.7 keeps its PROJ context in
thread-specific storage tied to the Python thread state, which Qt-created threads
drop after every task; the next coordinate transformation on that thread then
crashes the process (pyproj issue 1509). A ``concurrent.futures`` pool gives each
thread one Python thread state for its whole life. Signals emitted from these
threads are delivered, queued, to the receivers in the GUI thread as usual.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from hotspot.core.progress import AnalysisCancelled, CallbackProgress, CancelToken

log = logging.getLogger(__name__)
_ids = itertools.count(1)


class JobSignals(QObject):
    """Signals a job emits from its pool thread (delivered queued to the GUI thread)."""

    progress = Signal(int, float, str)
    succeeded = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)


class Job:
    """One call of ``fn`` on the thread pool.

    Parameters
    ----------
    fn : callable
        Called as ``fn(*args, progress=progress, **kwargs)``.
    name : str
        The slot the job occupies in its runner ("load", "kde" ...).
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "job", **kwargs: Any):
        self.id = next(_ids)
        self.name = name
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.token = CancelToken()
        self.signals = JobSignals()
        self.finished = threading.Event()

    def _report(self, fraction: float, message: str) -> None:
        self.signals.progress.emit(self.id, fraction, message)

    def cancel(self) -> None:
        """Ask the job to stop at its next progress check."""
        self.token.cancel()

    def run(self) -> None:  # runs on a pool thread
        progress = CallbackProgress(self._report, self.token)
        try:
            progress.check_cancelled()
            result = self.fn(*self.args, progress=progress, **self.kwargs)
            progress.check_cancelled()
        except AnalysisCancelled:
            self.signals.cancelled.emit(self.id)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
            self.signals.failed.emit(self.id, exc)
        else:
            self.signals.succeeded.emit(self.id, result)
        finally:
            self.finished.set()

    @property
    def done(self) -> bool:
        """Whether ``run`` has returned."""
        return self.finished.is_set()


@dataclass
class _Entry:
    job: Job
    on_success: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_cancelled: Callable[[], None] | None
    message: str
    started: float = field(default_factory=time.perf_counter)


class JobRunner(QObject):
    """Runs named jobs; at most one job per name.

    Signals
    -------
    started(name, message), progress(name, fraction, message), finished(name, outcome)
        ``outcome`` is "succeeded", "failed" or "cancelled". ``busy_changed(bool)``
        says whether any job is running.
    """

    started = Signal(str, str)
    progress = Signal(str, float, str)
    finished = Signal(str, str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4):
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="hotspot-job")
        self._active: dict[str, _Entry] = {}  # name -> current job
        self._orphans: list[Job] = []  # cancelled jobs whose thread may still run
        self._all: list[Job] = []  # every job not yet finished, for wait()
        self.closed = False

    # ------------------------------------------------------------------ API

    def submit(
        self,
        name: str,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        message: str = "",
        **kwargs: Any,
    ) -> Job | None:
        """Start ``fn`` as the job ``name``, cancelling any job of that name first.

        Returns None, starting nothing, once the runner was shut down.
        """
        if self.closed:
            log.debug("job %s not started: the window is closing", name)
            return None
        self.cancel(name)
        job = Job(fn, *args, name=name, **kwargs)
        job.signals.progress.connect(self._on_progress)
        job.signals.succeeded.connect(self._on_succeeded)
        job.signals.failed.connect(self._on_failed)
        job.signals.cancelled.connect(self._on_cancelled)
        was_busy = self.busy
        self._active[name] = _Entry(job, on_success, on_error, on_cancelled, message)
        self.started.emit(name, message)
        if not was_busy:
            self.busy_changed.emit(True)
        self._all = [j for j in self._all if not j.done] + [job]
        self.pool.submit(job.run)
        return job

    def cancel(self, name: str | None = None) -> bool:
        """Cancel the job ``name`` (every job when None); return whether one was running."""
        names = list(self._active) if name is None else [name]
        any_cancelled = False
        for n in names:
            entry = self._active.pop(n, None)
            if entry is None:
                continue
            any_cancelled = True
            entry.job.cancel()
            self._orphans.append(entry.job)
            self.finished.emit(n, "cancelled")
            if entry.on_cancelled is not None:
                entry.on_cancelled()
        self._orphans = [j for j in self._orphans if not j.done]
        if any_cancelled and not self.busy:
            self.busy_changed.emit(False)
        return any_cancelled

    def is_running(self, name: str) -> bool:
        """Whether a job of that name is running (and not cancelled)."""
        return name in self._active

    @property
    def busy(self) -> bool:
        """Whether any job is running."""
        return bool(self._active)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every job started has returned (for closing and tests)."""
        deadline = time.perf_counter() + msecs / 1000
        for job in list(self._all):
            if not job.finished.wait(max(deadline - time.perf_counter(), 0)):
                return False
        self._all = [j for j in self._all if not j.done]
        return True

    def shutdown(self) -> None:
        """Cancel every job and stop accepting new ones (when the window closes)."""
        self.closed = True
        self.cancel()
        self.pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ slots (GUI thread)

    def _take(self, job_id: int) -> tuple[str, _Entry] | None:
        for name, entry in self._active.items():
            if entry.job.id == job_id:
                del self._active[name]
                if not self.busy:
                    self.busy_changed.emit(False)
                return name, entry
        return None  # cancelled or replaced: its outcome is ignored

    @Slot(int, float, str)
    def _on_progress(self, job_id: int, fraction: float, message: str) -> None:
        for name, entry in self._active.items():
            if entry.job.id == job_id:
                self.progress.emit(name, fraction, message or entry.message)

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, result: Any) -> None:
        self._finish(job_id, "succeeded", result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: BaseException) -> None:
        self._finish(job_id, "failed", exc)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        self._finish(job_id, "cancelled")

    def _finish(self, job_id: int, outcome: str, *args: Any) -> None:
        """Hand a job's outcome to its callback, then emit ``finished``.

        Jobs cancelled or replaced meanwhile are no longer active: their outcome is
        dropped here, which is what keeps a half-made result off the screen. A failure
        without an ``on_error`` callback goes to the global error handler.
        """
        taken = self._take(job_id)
        if taken is None:
            return
        name, entry = taken
        log.debug("job %s %s after %.3f s", name, outcome, time.perf_counter() - entry.started)
        callback = {
            "succeeded": entry.on_success,
            "failed": entry.on_error,
            "cancelled": entry.on_cancelled,
        }[outcome]
        try:
            if callback is not None:
                callback(*args)
            elif outcome == "failed":
                raise args[0]
        finally:
            self.finished.emit(name, outcome)
