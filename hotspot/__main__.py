"""``python -m hotspot``: the same as the ``hotspot`` command."""

from hotspot.cli import main

raise SystemExit(main())
