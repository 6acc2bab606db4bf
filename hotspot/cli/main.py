"""Command line: ``hotspot``, ``hotspot PROJECT.toml``, ``hotspot demo DIR``, ``hotspot run``.

Exit codes: 0 on success; 2 on bad input (a :class:`hotspot.core.errors.HotspotError`,
or the operating system refusing a file operation: a full disk, a read-only folder;
message on standard error, no traceback) or when ``hotspot run`` could not produce an
output the project asks for; 3 when ``hotspot run --strict`` gave any warning; 1 on an
unexpected error (a short message, and the traceback written to a log file whose path
is printed); 130 when cancelled with Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from hotspot import __version__
from hotspot.core.atomic import os_error_text
from hotspot.core.crashlog import write_crash_log
from hotspot.core.errors import HotspotError, ProjectError
from hotspot.core.progress import NO_PROGRESS, AnalysisCancelled, Progress
from hotspot.core.text import install_log_filter, one_line

PROG = "hotspot"
EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130
EXIT_NOT_PRODUCED = EXIT_BAD_INPUT  # an output the project asks for could not be made
EXIT_WARNINGS = 3  # hotspot run --strict: the run gave warnings

_DESCRIPTION = (
    "Hotspot: hotspot mapping for community-safety analysts (police.uk offences, wards and "
    "LSOAs, deprivation and mental-health context)."
)
_EPILOG = """commands:
  hotspot                          open the window
  hotspot PROJECT.toml             open a project in the window
  hotspot demo DIR                 write the demo borough and its project into DIR
  hotspot run PROJECT.toml --out DIR
                                   load every source of a project and write its outputs

Run "hotspot demo --help" or "hotspot run --help" for their options."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``main`` returns the exit code."""

    def exit(self, status: int = 0, message: str | None = None):  # noqa: D102
        if message:
            self._print_message(message, sys.stderr)
        raise _Exit(status)


class _Exit(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Versions(argparse.Action):
    """``--version``: gathered only when asked (it imports GDAL, PROJ and Qt)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from hotspot.core.versions import versions_text

        try:
            from hotspot.ui.qt_versions import qt_versions

            qt = qt_versions()
        except ImportError:  # an installation without the window
            qt = []
        lines = versions_text(qt).splitlines()
        lines[0] = f"{PROG} {__version__}"  # the first line as every command prints it
        print("\n".join(lines))
        parser.exit()


def _window_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("project", nargs="?", help="a project file (.toml) to open in the window")
    p.add_argument(
        "--version",
        action=_Versions,
        help="print the versions of Hotspot, Python, Qt, GDAL and PROJ, then exit",
    )
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return p


def _demo_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} demo",
        description="Write the fictional demo borough (boundaries, context tables, 24 months of "
        "police.uk-layout offences, the planted hotspots) and a ready project file into DIR.",
    )
    p.add_argument("folder", metavar="DIR", help="folder to write into (created when missing)")
    p.add_argument(
        "--seed", type=int, default=None, help="random seed (the same seed gives the same files)"
    )
    p.add_argument("--force", action="store_true", help="replace demo files already in DIR")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    return p


def _run_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} run",
        description="Load every source of a project and write the outputs its [outputs] "
        "section asks for (load_report.txt, the selected offences as a GeoPackage, and the "
        "analyses and maps of later sections).",
    )
    p.add_argument("project", metavar="PROJECT.toml", help="the project file")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--force", action="store_true", help="replace existing output files")
    p.add_argument(
        "--quiet", action="store_true", help="no progress bar and nothing printed on success"
    )
    p.add_argument(
        "--verify",
        action="store_true",
        help="recompute the Gi* and correlation results with PySAL (esda) and state the "
        "largest difference in summary.txt and the briefing (as [outputs] verify = true)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help=f"exit {EXIT_WARNINGS} when the run gives any warning (for scheduled runs)",
    )
    return p


# --------------------------------------------------------------------------- progress


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Progress]:
    """A progress bar on an interactive terminal; nothing otherwise."""
    stream = sys.stderr
    if quiet or not (hasattr(stream, "isatty") and stream.isatty()):
        yield NO_PROGRESS
        return
    from hotspot.cli.terminal import TerminalProgress

    bar = TerminalProgress(stream)
    try:
        yield bar
    finally:
        bar.close()


def _warner(progress: Progress, quiet: bool):
    """Where warnings go: above the progress bar, or plainly to standard error."""
    if quiet:
        return None
    write = getattr(progress, "write", None)

    def warn(message: str) -> None:
        text = f"{PROG}: warning: {one_line(message)}"
        if write is not None:
            write(text)
        else:
            print(text, file=sys.stderr)

    return warn


# --------------------------------------------------------------------------- commands


def _cmd_demo(args: argparse.Namespace) -> int:
    from hotspot.demo import DEFAULT_SEED, write_demo

    seed = DEFAULT_SEED if args.seed is None else args.seed
    with _progress(args.quiet) as progress:
        files = write_demo(args.folder, seed=seed, overwrite=args.force, progress=progress)
    if not args.quiet:
        project = files.project
        print(f"Demo borough written to {files.folder} ({len(files.files)} files).")
        print(f"Open it:  {PROG} {project}")
        print(f"Run it:   {PROG} run {project} --out {files.folder / 'out'}")
    return EXIT_OK


@contextlib.contextmanager
def _python_warnings() -> Iterator[None]:
    """Keep Python's warning lines (with source lines) off the terminal.

    An analysis's warnings reach the user through its result (printed once by the run's
    log); a library's are its own business.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _cmd_run(args: argparse.Namespace) -> int:
    import dataclasses

    from hotspot.pipeline import load_project, run_project

    project = load_project(args.project)
    if args.verify:
        project.outputs = dataclasses.replace(project.outputs, verify=True)
    with _progress(args.quiet) as progress, _python_warnings():
        outcome = run_project(
            project,
            args.out,
            force=args.force,
            progress=progress,
            log=_warner(progress, args.quiet),
        )
    if not args.quiet:
        print(f"{one_line(project.name)}: wrote {len(outcome)} files to {one_line(args.out)}")
        for path in outcome:
            print(f"  {one_line(path)}")
    unmade = getattr(outcome, "unmade", [])
    if unmade:
        n = f"{len(unmade)} output{'s' if len(unmade) > 1 else ''}"
        # the reasons were printed as warnings (each once); --quiet printed nothing yet
        why = ": " + "; ".join(map(one_line, unmade)) if args.quiet else " (see the warnings above)"
        print(
            f"{PROG}: {n} the project asks for could not be produced{why}; summary.txt lists "
            "what is missing",
            file=sys.stderr,
        )
        return EXIT_NOT_PRODUCED
    warnings = getattr(outcome, "warnings", [])
    if args.strict and warnings:
        print(
            f"{PROG}: --strict: the run gave {len(warnings)} warning"
            f"{'s' if len(warnings) > 1 else ''} (listed above and in summary.txt)",
            file=sys.stderr,
        )
        return EXIT_WARNINGS
    return EXIT_OK


def _cmd_window(args: argparse.Namespace) -> int:
    project_path = args.project
    if project_path is not None:
        from hotspot.pipeline import load_project

        if not Path(project_path).exists() and not project_path.lower().endswith(".toml"):
            raise ProjectError(
                f"{project_path!r} is neither a command nor a project file; the commands are "
                f"'{PROG} demo DIR' and '{PROG} run PROJECT.toml --out DIR' "
                f"(see '{PROG} --help')"
            )

        load_project(project_path)  # a broken project file is reported here, exit 2
    try:
        from hotspot.ui import app
    except ModuleNotFoundError as exc:
        if exc.name == "hotspot.ui.app":
            print(
                "The Hotspot window is not part of this installation yet.\n"
                f"Meanwhile: '{PROG} demo DIR' writes the demo borough, and "
                f"'{PROG} run DIR/project.toml --out DIR/out' runs a project.",
            )
            return EXIT_OK
        if exc.name and exc.name.split(".")[0] in ("PySide6", "shiboken6"):
            print(
                f"{PROG}: the window needs PySide6, which is not installed ({exc}); install "
                "Hotspot with its dependencies (pip install -e .), or use 'hotspot run'",
                file=sys.stderr,
            )
            return EXIT_UNEXPECTED
        raise
    argv = [project_path] if project_path else []
    if args.smoke_test:
        argv.append("--smoke-test")
    return int(app.main(argv) or 0)


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] == "demo":
        return _cmd_demo(_demo_parser().parse_args(argv[1:]))
    if argv and argv[0] == "run":
        return _cmd_run(_run_parser().parse_args(argv[1:]))
    return _cmd_window(_window_parser().parse_args(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hotspot`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 success, 2 bad input or an output not produced, 3 warnings with
        ``run --strict``, 1 unexpected error, 130 cancelled.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    install_log_filter()
    try:
        return _dispatch(args)
    except _Exit as exc:
        return exc.status
    except HotspotError as exc:
        print(f"{PROG}: {one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, AnalysisCancelled):
        print(f"{PROG}: cancelled; nothing half-written was left behind", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:
        refused = os_error_text(exc)  # a full disk, a read-only folder ...: not a bug
        if refused is not None:
            print(f"{PROG}: {one_line(refused)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            where = f"the details were written to {write_crash_log(exc, args)}"
        except OSError:
            where = "the details could not be written to a log file"
        print(
            f"{PROG}: unexpected error ({type(exc).__name__}: {one_line(exc)}); this is a bug in Hotspot, "
            f"{where}; please include that file when you report it",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
