"""What this machine has: the one place that asks the operating system for its memory."""

from __future__ import annotations

import os


def ram_bytes() -> int:
    """Physical memory of this machine, in bytes."""
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
