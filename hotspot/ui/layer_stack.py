"""The ordered list of layers the window shows: offences, boundaries, context, results.

Each entry wraps a Qt-free map layer (from :mod:`hotspot.maps.layers`) with the
state the user controls in the Layers panel: visibility, opacity, order.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

GROUPS = ("Results", "Offences", "Context", "Reference", "Boundaries")


@dataclass
class LayerEntry:
    """One layer in the stack.

    Attributes
    ----------
    key : str
        Stable identifier ("boundaries:wards", "result:gistar" ...).
    title : str
        Shown in the Layers panel and the map's layer control.
    group : str
        One of ``GROUPS``; new layers go on top of their group.
    layer : object
        The map layer (a ``hotspot.maps.layers.MapLayer``).
    visible : bool
    opacity : float
    """

    key: str
    title: str
    group: str
    layer: Any
    visible: bool = True
    opacity: float = 1.0


class LayerStack(QObject):
    """Layers in drawing order, top first. Emits ``changed`` after every edit."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.entries: list[LayerEntry] = []

    def __len__(self) -> int:
        return len(self.entries)

    def key_order(self) -> list[str]:
        """Keys, top first."""
        return [e.key for e in self.entries]

    def get(self, key: str) -> LayerEntry | None:
        """The entry of ``key``, or None."""
        return next((e for e in self.entries if e.key == key), None)

    def put(self, entry: LayerEntry) -> None:
        """Add a layer, or replace the one with the same key keeping its place and state."""
        old = self.get(entry.key)
        if old is not None:
            entry.visible, entry.opacity = old.visible, old.opacity
            self.entries[self.entries.index(old)] = entry
        else:
            rank = GROUPS.index(entry.group) if entry.group in GROUPS else len(GROUPS)
            at = next(
                (
                    i
                    for i, e in enumerate(self.entries)
                    if (GROUPS.index(e.group) if e.group in GROUPS else len(GROUPS)) >= rank
                ),
                len(self.entries),
            )
            self.entries.insert(at, entry)
        self.changed.emit()

    def remove(self, key: str) -> None:
        """Remove a layer (no error when absent)."""
        before = len(self.entries)
        self.entries = [e for e in self.entries if e.key != key]
        if len(self.entries) != before:
            self.changed.emit()

    def remove_prefix(self, prefix: str) -> None:
        """Remove every layer whose key starts with ``prefix``."""
        before = len(self.entries)
        self.entries = [e for e in self.entries if not e.key.startswith(prefix)]
        if len(self.entries) != before:
            self.changed.emit()

    def move(self, key: str, delta: int) -> None:
        """Move a layer up (negative) or down (positive) the stack."""
        entry = self.get(key)
        if entry is None:
            return
        i = self.entries.index(entry)
        j = min(max(i + delta, 0), len(self.entries) - 1)
        if i != j:
            self.entries.insert(j, self.entries.pop(i))
            self.changed.emit()

    def set_visible(self, key: str, visible: bool) -> None:
        """Show or hide a layer."""
        entry = self.get(key)
        if entry is not None and entry.visible != visible:
            entry.visible = visible
            self.changed.emit()

    def set_opacity(self, key: str, opacity: float) -> None:
        """Set a layer's opacity in [0, 1]."""
        entry = self.get(key)
        opacity = min(max(float(opacity), 0.0), 1.0)
        if entry is not None and entry.opacity != opacity:
            entry.opacity = opacity
            self.changed.emit()

    def clear(self) -> None:
        """Remove every layer."""
        if self.entries:
            self.entries = []
            self.changed.emit()

    def map_layers(self, *, visible_only: bool = False) -> list[Any]:
        """The map layers bottom first (drawing order), with the user's visibility and opacity.

        With ``visible_only`` hidden layers are left out (the window redraws the page
        when one is switched on, so a hidden layer costs nothing).
        """
        out = []
        for e in reversed(self.entries):
            if visible_only and not e.visible:
                continue
            layer = copy.copy(e.layer)  # shallow: the data are shared, never changed
            for attr, value in (("visible", e.visible), ("opacity", e.opacity), ("name", e.title)):
                if hasattr(layer, attr):
                    setattr(layer, attr, value)
            out.append(layer)
        return out
