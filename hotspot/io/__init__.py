"""Readers and writers. Everything read is returned in British National Grid."""

from hotspot.errors import InputError

__all__ = ["InputError"]
