"""The catalogue of UK boundary products (``boundaries/catalogue.toml``, package data).

It tells :func:`hotspot.io.read_areas` which fields hold the area code and name for
each ward and LSOA vintage, and where an analyst downloads each product.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hotspot.io._columns import norm


@dataclass(frozen=True)
class Product:
    """One boundary product: its fields, level, vintage and where to get it."""

    id: str
    title: str
    level: str
    vintage: int | None
    code_field: str
    name_field: str
    publisher: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Catalogue:
    """Products in order of preference, generic field names and code prefixes."""

    products: tuple[Product, ...]
    code_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    prefixes: dict[str, str]

    def level_of_code(self, code: str) -> str | None:
        """The level a GSS code's prefix implies ("E05013714" -> "ward"), if known."""
        return self.prefixes.get(str(code)[:3].upper())

    def by_code_field(self, field: str) -> Product | None:
        """The product whose code field is ``field`` (ignoring case and punctuation)."""
        for p in self.products:
            if norm(p.code_field) == norm(field):
                return p
        return None


@cache
def catalogue() -> Catalogue:
    """Load the boundary catalogue shipped with Hotspot."""
    text = resources.files("hotspot.boundaries").joinpath("catalogue.toml").read_text("utf-8")
    data = tomllib.loads(text)
    products = tuple(
        Product(
            id=p["id"],
            title=p["title"],
            level=p["level"],
            vintage=p.get("vintage"),
            code_field=p["code_field"],
            name_field=p["name_field"],
            publisher=p.get("publisher", ""),
            url=p.get("url", ""),
            note=p.get("note", ""),
        )
        for p in data["product"]
    )
    generic = data.get("generic", {})
    return Catalogue(
        products=products,
        code_fields=tuple(norm(f) for f in generic.get("code_fields", ())),
        name_fields=tuple(norm(f) for f in generic.get("name_fields", ())),
        prefixes={k.upper(): v for k, v in data.get("prefixes", {}).items()},
    )
