"""``hotspot.cli.main(argv)`` in-process: exit codes, messages, window hand-off, progress."""

from __future__ import annotations

import contextlib
import io
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli_counts import count_police_csv, report_numbers

from hotspot import cli, pipeline
from hotspot.model import Project, SelectionParams


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("main") / "demo"
    assert cli.main(["demo", str(folder), "--quiet"]) == 0
    return folder


def test_run_in_process_writes_a_balanced_report(demo, tmp_path, capsys):
    assert cli.main(["run", str(demo / "project.toml"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert str(tmp_path / "offences.gpkg") in out.out
    numbers = report_numbers((tmp_path / "load_report.txt").read_text(encoding="utf-8"))
    counts = count_police_csv(demo / "police-uk")
    dropped = sum(v for k, v in numbers.items() if k.startswith("dropped "))
    assert numbers["rows read"] == counts.rows == numbers["rows kept"] + dropped


def test_missing_source_file_exits_2_naming_it(demo, tmp_path, capsys):
    project = Project.load(demo / "project.toml")
    project.sources[1].path = "boundaries/no_such_wards.geojson"
    moved = project.save(demo / "broken_source.toml")
    try:
        code = cli.main(["run", str(moved), "--out", str(tmp_path / "out")])
    finally:
        moved.unlink()
    err = capsys.readouterr().err
    assert code == 2
    assert "no_such_wards.geojson" in err and "not found" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "load_report.txt").exists()


@contextlib.contextmanager
def _variant(demo: Path, name: str, **changes) -> Iterator[Path]:
    """The demo project with other settings, saved beside it for the test's length."""
    project = Project.load(demo / "project.toml")
    for key, value in changes.items():
        if key == "analysis":
            project.analysis.update(value)
        else:
            setattr(project, key, value)
    path = project.save(demo / name)
    try:
        yield path
    finally:
        path.unlink()


def test_a_period_without_data_exits_2_naming_the_months_before_anything_is_written(
    demo, tmp_path, capsys
):
    old = SelectionParams(end="2019-12", compare=False)
    with _variant(demo, "old_period.toml", selection=old) as path:
        code = cli.main(["run", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "the period 12 months to December 2019 (2019-01 to 2019-12) holds no month" in err
    assert "the offence data cover 2023-10 to 2025-09 (24 months)" in err
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir())  # nothing computed, nothing written


def test_warnings_go_to_stderr_once_without_python_lines_and_strict_exits_3(demo, tmp_path, capsys):
    from hotspot.model import OutputParams

    with _variant(
        demo,
        "partial_period.toml",
        selection=SelectionParams(end="2025-09", months=27, compare=False),
        outputs=OutputParams(analyses=("gistar", "bivariate"), csv=False, gpkg=False),
    ) as path:
        assert cli.main(["run", str(path), "--out", str(tmp_path / "a")]) == 0
        err = capsys.readouterr().err
        assert "hotspot: warning: the offence data miss 3 of the 27 months" in err
        lines = [line for line in err.splitlines() if line]
        assert all(line.startswith("hotspot: warning: ") for line in lines), err
        assert len(lines) == len(set(lines))  # each warning once
        assert "AnalysisWarning" not in err and ".py:" not in err  # no Python warning lines
        summary = (tmp_path / "a" / "summary.txt").read_text(encoding="utf-8")
        for line in lines:  # every warning of the terminal is in summary.txt, once
            assert summary.count(line.removeprefix("hotspot: warning: ")) == 1
        assert cli.main(["run", str(path), "--out", str(tmp_path / "q"), "--quiet"]) == 0
        assert capsys.readouterr().err == ""
        assert cli.main(["run", str(path), "--out", str(tmp_path / "s"), "--strict"]) == 3
        assert "--strict" in capsys.readouterr().err


def test_an_analysis_refused_for_its_grid_size_exits_2(demo, tmp_path, capsys):
    """A run whose only analysis, KDE, is refused (a 1 m grid over a borough) used to exit 0."""
    from hotspot.analysis.kde import KdeParams
    from hotspot.model import OutputParams

    with _variant(
        demo,
        "tiny_cells.toml",
        analysis={"kde": KdeParams(cell_size=1.0)},
        outputs=OutputParams(analyses=("kde",), csv=False, gpkg=False),
    ) as path:
        code = cli.main(["run", str(path), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "could not be produced (see the warnings above)" in err
    assert err.count("kde: not run") == 1  # said once
    assert not (tmp_path / "kde.tif").exists()
    summary = tmp_path / "summary.txt"
    assert not summary.exists() or "Not produced" in summary.read_text(encoding="utf-8")


def test_missing_project_file_exits_2(tmp_path, capsys):
    code = cli.main(["run", str(tmp_path / "nope.toml"), "--out", str(tmp_path)])
    assert code == 2
    assert "nope.toml" in capsys.readouterr().err


def test_unknown_key_in_project_names_the_key(tmp_path, capsys):
    p = tmp_path / "p.toml"
    p.write_text('[project]\nname = "x"\n[selection]\ngroop = "All crime"\n', encoding="utf-8")
    assert cli.main(["run", str(p), "--out", str(tmp_path / "o")]) == 2
    assert "groop" in capsys.readouterr().err


def test_bad_arguments_exit_2_with_usage(capsys):
    assert cli.main(["run", "project.toml"]) == 2  # --out is required
    assert "--out" in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "hotspot demo DIR" in text and "hotspot run PROJECT.toml --out DIR" in text


def test_demo_refuses_to_overwrite_without_force(demo, capsys):
    assert cli.main(["demo", str(demo)]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main(["demo", str(demo), "--force", "--quiet"]) == 0


def test_unexpected_error_exits_1_and_logs_the_traceback(demo, tmp_path, monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(pipeline, "run_project", boom)
    monkeypatch.setenv("HOTSPOT_LOG_DIR", str(tmp_path / "logs"))
    code = cli.main(["run", str(demo / "project.toml"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1
    assert "simulated failure" in err and "Traceback" not in err
    logs = list((tmp_path / "logs").glob("hotspot-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    log = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: simulated failure" in log


def test_ctrl_c_exits_130_and_leaves_nothing(demo, tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run_project", interrupted)
    assert cli.main(["run", str(demo / "project.toml"), "--out", str(tmp_path / "o")]) == 130
    assert "cancelled" in capsys.readouterr().err


# --------------------------------------------------------------------------- window


def _fake_app(monkeypatch, calls: list) -> None:
    app = types.ModuleType("hotspot.ui.app")

    def main(argv):
        calls.append(list(argv))
        return 0

    app.main = main
    monkeypatch.setitem(sys.modules, "hotspot.ui.app", app)
    import hotspot.ui

    monkeypatch.setattr(hotspot.ui, "app", app, raising=False)


def test_no_arguments_opens_the_window(monkeypatch):
    calls: list = []
    _fake_app(monkeypatch, calls)
    assert cli.main([]) == 0
    assert calls == [[]]


def test_project_argument_opens_that_project_in_the_window(demo, monkeypatch):
    calls: list = []
    _fake_app(monkeypatch, calls)
    assert cli.main([str(demo / "project.toml")]) == 0
    assert calls == [[str(demo / "project.toml")]]


def test_broken_project_is_reported_before_the_window_opens(tmp_path, monkeypatch, capsys):
    calls: list = []
    _fake_app(monkeypatch, calls)
    bad = tmp_path / "bad.toml"
    bad.write_text("not = [toml", encoding="utf-8")
    assert cli.main([str(bad)]) == 2
    assert calls == []
    assert "bad.toml" in capsys.readouterr().err


def test_without_the_window_it_says_what_to_do(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "hotspot.ui.app", None)  # import fails as if absent
    import hotspot.ui

    monkeypatch.delattr(hotspot.ui, "app", raising=False)
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "hotspot demo" in out and "hotspot run" in out


# --------------------------------------------------------------------------- progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_progress_bar_on_a_terminal_and_none_otherwise(demo, tmp_path, monkeypatch):
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert cli.main(["run", str(demo / "project.toml"), "--out", str(tmp_path / "a")]) == 0
    drawn = tty.getvalue()
    assert "%" in drawn and "[" in drawn
    assert drawn.endswith("\r")  # the bar's line is cleared at the end

    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    assert cli.main(["run", str(demo / "project.toml"), "--out", str(tmp_path / "b")]) == 0
    assert plain.getvalue() == ""

    quiet = _Tty()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert (
        cli.main(["run", str(demo / "project.toml"), "--out", str(tmp_path / "c"), "--quiet"]) == 0
    )
    assert quiet.getvalue() == ""


def test_demo_counts_match_after_a_forced_rewrite(demo):
    before = count_police_csv(demo / "police-uk")
    assert cli.main(["demo", str(demo), "--force", "--quiet"]) == 0
    assert count_police_csv(demo / "police-uk") == before


def test_a_mistyped_command_is_explained(monkeypatch, capsys):
    calls: list = []
    _fake_app(monkeypatch, calls)
    assert cli.main(["rnu", "--out", "x"]) == 2  # not a command, and run's options
    assert cli.main(["rnu"]) == 2
    err = capsys.readouterr().err
    assert "'rnu' is neither a command nor a project file" in err
    assert "hotspot run PROJECT.toml --out DIR" in err
    assert calls == []
