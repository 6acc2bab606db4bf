"""Command line: ``hotspot``, ``hotspot demo DIR``, ``hotspot run PROJECT.toml``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hotspot`` command (being built; see docs/architecture.md)."""
    print("hotspot: the command line is being built", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
