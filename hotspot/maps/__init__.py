"""Qt-free maps: print maps (matplotlib), offline interactive maps (folium/Leaflet), briefing pack.

- :mod:`hotspot.maps.style`: palettes, class breaks, legend text, attributions, methods text.
- :mod:`hotspot.maps.layers`: map layers (boundaries, points, density, Gi*, choropleths,
  clusters) shared by the web map, the print maps and the window.
- :mod:`hotspot.maps.web`: ``build_map(layers) -> folium.Map``, ``render_html`` (no CDN).
- :mod:`hotspot.maps.static`: A4 print maps (PNG 300 dpi, PDF, SVG).
- :mod:`hotspot.maps.briefing`: the briefing pack PDF.
"""
