"""police.uk API responses (``crimes-street``): a JSON list of crime records.

A record looks like ``{"category": "violent-crime", "month": "2017-07", "id": 57123456,
"persistent_id": "...", "location": {"latitude": "51.46", "longitude": "-0.01",
"street": {"id": 1, "name": "On or near ..."}}, "outcome_status": {...}, ...}``.
Nested objects are flattened to dotted column names (``location.street.name``).
Records repeat across files when areas overlap; they are de-duplicated on ``id``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from hotspot.core.errors import InputError
from hotspot.io._coords import WGS84, to_float
from hotspot.io._encoding import decode
from hotspot.io._part import Part
from hotspot.io._sources import Member

FIELDS = {
    "crime_id": "persistent_id",
    "month": "month",
    "category": "category",
    "location": "location.street.name",
    "lsoa_code": None,
    "lsoa_name": None,
    "outcome": "outcome_status.category",
}
BASE_COLUMNS = (
    "id",
    "persistent_id",
    "month",
    "category",
    "context",
    "location_type",
    "location_subtype",
    "location.latitude",
    "location.longitude",
    "location.street.id",
    "location.street.name",
    "outcome_status.category",
    "outcome_status.date",
)


def _flatten(record: dict, prefix: str = "", out: dict | None = None) -> dict:
    out = {} if out is None else out
    for k, v in record.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            _flatten(v, name + ".", out)
        elif isinstance(v, list):
            out[name] = json.dumps(v)
        else:
            out[name] = v
    return out


def _id_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sub(record: dict, key: str) -> dict:
    value = record.get(key)
    return value if isinstance(value, dict) else {}


def _scalar(value: object) -> object:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


_KNOWN = frozenset(
    ("id", "persistent_id", "month", "category", "context", "location_type")
    + ("location_subtype", "location", "outcome_status")
)


def parse_records(data: object, label: str) -> pd.DataFrame:
    """Flatten a decoded API response into a table (one row per record).

    Raises
    ------
    InputError
        When the JSON is not a list of records.
    """
    if isinstance(data, dict):
        msg = (data.get("message") or data.get("error")) if data else None
        hint = f" (the response says: {str(msg)[:120]})" if msg else ""
        raise InputError(
            f"{label}: a JSON object, not a list of crimes{hint}; police.uk's crimes-street "
            "API returns a list of records: save that response as it is"
        )
    if not isinstance(data, list):
        raise InputError(
            f"{label}: not a police.uk API response (expected a JSON list of crime records)"
        )
    cols: dict[str, list] = {c: [] for c in BASE_COLUMNS}
    extras: dict[int, dict] = {}
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise InputError(
                f"{label}: record {i + 1} is not a crime record (a JSON object); the file is "
                "damaged or is not a police.uk crimes-street response"
            )
        loc = _sub(rec, "location")
        street = _sub(loc, "street")
        outcome = _sub(rec, "outcome_status")
        cols["id"].append(_id_text(_scalar(rec.get("id"))))
        for c in ("persistent_id", "month", "category", "context"):
            cols[c].append(_scalar(rec.get(c)))
        cols["location_type"].append(_scalar(rec.get("location_type")))
        cols["location_subtype"].append(_scalar(rec.get("location_subtype")))
        cols["location.latitude"].append(_scalar(loc.get("latitude")))
        cols["location.longitude"].append(_scalar(loc.get("longitude")))
        cols["location.street.id"].append(_scalar(street.get("id")))
        cols["location.street.name"].append(_scalar(street.get("name")))
        cols["outcome_status.category"].append(_scalar(outcome.get("category")))
        cols["outcome_status.date"].append(_scalar(outcome.get("date")))
        if not rec.keys() <= _KNOWN:
            extras[i] = _flatten({k: v for k, v in rec.items() if k not in _KNOWN})
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in cols.items()})
    if extras:
        more = pd.DataFrame.from_dict(extras, orient="index").reindex(frame.index)
        more = more[[c for c in more.columns if c not in frame.columns]]
        frame = pd.concat([frame, more], axis=1)
    return frame


def api_part(member: Member) -> Part:
    """Parse one police.uk API JSON file into a :class:`Part`."""
    text, _ = decode(member.read_bytes())
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise InputError(
            f"{member.label}: not valid JSON{where}; the download may be incomplete: fetch it again"
        ) from exc
    frame = parse_records(data, member.label)
    x, bad_x = to_float(frame["location.longitude"])
    y, bad_y = to_float(frame["location.latitude"])
    return Part(
        frame=frame,
        fields=dict(FIELDS),
        x=x,
        y=y,
        crs=WGS84,
        key="id",
        label=member.label,
        bad_coords=int(np.count_nonzero(bad_x | bad_y)),
    )
