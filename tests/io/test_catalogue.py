"""The boundary catalogue ships as package data and lists the products users download."""

from __future__ import annotations

import tomllib
from importlib import resources

from hotspot.io._catalogue import catalogue
from hotspot.model import AREA_LEVELS


def test_catalogue_is_package_data():
    text = resources.files("hotspot.boundaries").joinpath("catalogue.toml").read_text("utf-8")
    data = tomllib.loads(text)
    assert len(data["product"]) == len(catalogue().products)
    readme = resources.files("hotspot.boundaries").joinpath("README.md")
    assert readme.is_file()


def test_products_are_complete():
    products = catalogue().products
    ids = [p.id for p in products]
    assert len(ids) == len(set(ids))
    for p in products:
        assert p.level in AREA_LEVELS
        assert p.code_field and p.name_field and p.publisher and p.url.startswith("https://")
        assert isinstance(p.vintage, int)


def test_products_users_need_are_listed():
    fields = {(p.code_field, p.name_field, p.level, p.vintage) for p in catalogue().products}
    for yy, year in (("24", 2024), ("23", 2023), ("22", 2022), ("19", 2019), ("11", 2011)):
        assert (f"WD{yy}CD", f"WD{yy}NM", "ward", year) in fields
    assert ("LSOA11CD", "LSOA11NM", "lsoa", 2011) in fields
    assert ("LSOA21CD", "LSOA21NM", "lsoa", 2021) in fields
    assert ("WD22CD_proposed", "WD22NM_proposed", "ward", 2022) in fields


def test_code_prefixes():
    cat = catalogue()
    assert cat.level_of_code("E05013714") == "ward"
    assert cat.level_of_code("E01000001") == "lsoa"
    assert cat.level_of_code("E09000023") == "other"
    assert cat.level_of_code("X99") is None
