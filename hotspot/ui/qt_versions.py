"""Qt's versions, for ``hotspot --version``, Help > About and the crash details.

Importing QtCore (and QtWebEngineCore) starts no window, so the command line can ask
too; the rest of the versions come from :func:`hotspot.core.versions.versions`.
"""

from __future__ import annotations


def qt_versions(web_engine: bool = False) -> list[tuple[str, str]]:
    """``[("Qt", "6.x (PySide6 6.x)")]``, plus the web engine's Chromium when asked.

    Empty when Qt cannot be imported (the command line still works without it).
    """
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError:
        return []
    out = [("Qt", f"{QtCore.qVersion()} (PySide6 {PySide6.__version__})")]
    if web_engine:
        try:
            from PySide6 import QtWebEngineCore

            out.append(("Chromium", str(QtWebEngineCore.qWebEngineChromiumVersion())))
        except (ImportError, AttributeError):
            pass
    return out
