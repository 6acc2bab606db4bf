"""Command line: ``hotspot``, ``hotspot PROJECT.toml``, ``hotspot demo DIR``, ``hotspot run``.

:mod:`~hotspot.cli.main` parses the arguments and maps errors to exit codes;
:mod:`~hotspot.cli.terminal` draws progress on the terminal.
"""

from hotspot.cli.main import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_OK, EXIT_UNEXPECTED, main

__all__ = ["EXIT_BAD_INPUT", "EXIT_CANCELLED", "EXIT_OK", "EXIT_UNEXPECTED", "main"]
