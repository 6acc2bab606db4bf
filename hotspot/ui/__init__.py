"""The PySide6 window: a thin front end over the Qt-free core."""
