"""When QtWebEngine's Chromium must run without its sandbox, and why.

The sandbox stays on wherever it can work. It is switched off (``--no-sandbox`` in
``QTWEBENGINE_CHROMIUM_FLAGS``) only:

- on Linux as root, where Chromium refuses to start with it;
- in the bundled application on Linux when the kernel does not let an ordinary user
  create user namespaces (switched off, or restricted by AppArmor as on recent Ubuntu):
  Chromium's namespace sandbox needs them and the bundle carries no setuid helper to
  fall back on;
- in the bundled application on macOS when Qt's helper app
  (``QtWebEngineProcess.app``) is not inside the QtWebEngineCore framework, where the
  sandbox cannot start.

Qt-free, so the decision is tested without starting Chromium.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

NO_SANDBOX = "--no-sandbox"
_USERNS_SWITCHES = (
    # (file, value meaning "unprivileged user namespaces are not available")
    ("/proc/sys/kernel/unprivileged_userns_clone", "0"),
    ("/proc/sys/user/max_user_namespaces", "0"),
    ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"),
)


def user_namespaces_available(switches=_USERNS_SWITCHES) -> bool:
    """Whether an ordinary process may create a user namespace (Linux)."""
    for name, blocked in switches:
        try:
            value = Path(name).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if value == blocked:
            return False
    return True


def _macos_helper_present() -> bool:
    """Whether the bundle carries Qt's web engine helper app inside its framework."""
    base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return any(base.rglob("QtWebEngineCore.framework/Helpers/QtWebEngineProcess.app"))


def no_sandbox_reason(
    *,
    platform: str | None = None,
    euid: int | None = None,
    frozen: bool | None = None,
    userns: bool | None = None,
    macos_helper: bool | None = None,
) -> str | None:
    """Why Chromium's sandbox cannot run here, or None when it can.

    Every argument defaults to what this process finds (tests pass them).

    Parameters
    ----------
    platform : str, optional
        ``sys.platform``.
    euid : int, optional
        The effective user id (POSIX).
    frozen : bool, optional
        Whether this is the bundled application (``sys.frozen``).
    userns : bool, optional
        Whether unprivileged user namespaces are available (Linux).
    macos_helper : bool, optional
        Whether the bundle carries ``QtWebEngineProcess.app`` (macOS).
    """
    platform = sys.platform if platform is None else platform
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    if platform.startswith("linux"):
        if euid is None:
            euid = os.geteuid() if hasattr(os, "geteuid") else -1
        if euid == 0:
            return "running as root"
        if frozen and not (user_namespaces_available() if userns is None else userns):
            return "the system does not let ordinary users create user namespaces"
    if platform == "darwin" and frozen:
        present = _macos_helper_present() if macos_helper is None else macos_helper
        if not present:
            return "the bundle has no QtWebEngineProcess.app helper"
    return None


def chromium_flags(flags: str, reason: str | None) -> str:
    """``flags`` with ``--no-sandbox`` added when there is a reason, else unchanged."""
    if reason is None or NO_SANDBOX in flags.split():
        return flags
    return f"{flags} {NO_SANDBOX}".strip()


__all__ = ["chromium_flags", "no_sandbox_reason", "user_namespaces_available"]
