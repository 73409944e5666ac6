"""Readers and writers."""

from .writers import atomic_directory, write_world

__all__ = ["atomic_directory", "write_world"]
