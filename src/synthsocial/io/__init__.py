"""Readers and writers."""

from .writers import atomic_directory

__all__ = ["atomic_directory"]
