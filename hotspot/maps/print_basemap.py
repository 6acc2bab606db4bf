"""OpenStreetMap tiles under a print map, fetched with a short deadline.

With ``basemap="osm"`` tiles are fetched (through contextily); when they cannot be
had (no network) the map is made without them and the attribution area says so. It
never fails for that reason, and after a failure the next maps (a briefing pack's
pages) do not wait again for ``BASEMAP_RETRY_S`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class BasemapUnavailable(Exception):  # noqa: N818 - reads as an event
    """The basemap tiles could not be fetched in time."""


def _fetch_osm(bounds_3857: tuple[float, float, float, float], timeout: float, source=None):
    """Fetch OpenStreetMap tiles (or ``source``'s) covering the bounds (Web Mercator).

    Returns contextily's ``(image, extent)``.
    """
    import contextily as cx
    import xyzservices.providers as xyz

    w, s, e, n = bounds_3857
    return cx.bounds2img(
        w,
        s,
        e,
        n,
        zoom="auto",
        source=source or xyz.OpenStreetMap.Mapnik,
        use_cache=False,
        max_retries=0,
        timeout=(min(timeout, 4.0), timeout),
    )


def _run_with_deadline(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in a daemon thread; raise BasemapUnavailable after ``timeout`` seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True, name="hotspot-basemap")
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise BasemapUnavailable(f"no answer from the tile server within {timeout:g} s")
    if "error" in box:
        raise BasemapUnavailable(str(box["error"]) or type(box["error"]).__name__)
    return box["value"]


fetch_basemap = _fetch_osm
"""The tile fetcher (replaceable in tests): ``fetch_basemap(bounds_3857, timeout)``."""

BASEMAP_RETRY_S = 120.0
"""After tiles could not be fetched, later maps skip the basemap (and say so) for this
many seconds instead of waiting again: a briefing pack with no network is not held up
page after page."""

_basemap_down: dict[str, Any] = {}  # the last failure: fetcher, at (monotonic s), reason


def draw_basemap(ax, bounds: tuple[float, float, float, float], timeout: float) -> str:
    """Draw OSM tiles under the map; return "" or a note saying why there are none."""
    import contextily as cx
    from pyproj import Transformer

    to_merc = Transformer.from_crs(27700, 3857, always_xy=True)
    xs, ys = to_merc.transform(
        [bounds[0], bounds[2], bounds[0], bounds[2]], [bounds[1], bounds[1], bounds[3], bounds[3]]
    )
    box = (min(xs), min(ys), max(xs), max(ys))
    fetcher = fetch_basemap
    down = _basemap_down
    if down.get("fetcher") is fetcher and time.monotonic() - down["at"] < BASEMAP_RETRY_S:
        return f"Basemap not shown: OpenStreetMap tiles could not be fetched ({down['reason']})."
    try:
        img, ext = _run_with_deadline(lambda: fetcher(box, timeout), timeout)
        img, ext = cx.warp_tiles(img, ext, t_crs="EPSG:27700")
    except BasemapUnavailable as exc:
        _basemap_down.update(fetcher=fetcher, at=time.monotonic(), reason=str(exc))
        return f"Basemap not shown: OpenStreetMap tiles could not be fetched ({exc})."
    except Exception as exc:  # noqa: BLE001 - a basemap never breaks a map
        return f"Basemap not shown: {type(exc).__name__}."
    ax.imshow(img, extent=ext, interpolation="bilinear", zorder=0, alpha=0.9)
    return ""


__all__ = [
    "BASEMAP_RETRY_S",
    "BasemapUnavailable",
    "fetch_basemap",
    "draw_basemap",
]
