"""The installed version of synthsocial (one place, imported by the package and its modules)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("synthsocial")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
