"""The PySide6 window: a thin front end over the Qt-free core."""

from hotspot.ui.qt_binding import keep_true_alive

keep_true_alive()  # before any window reports progress (see hotspot.ui.qt_binding)
