"""synthsocial: synthetic social-media worlds (users, follower graph, posts) measured against real data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("synthsocial")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from .config import GeneratorConfig  # noqa: E402
from .errors import ConfigError, InputError, OutputError, SynthSocialError  # noqa: E402
from .world import World, generate  # noqa: E402

__all__ = [
    "ConfigError",
    "GeneratorConfig",
    "InputError",
    "OutputError",
    "SynthSocialError",
    "World",
    "__version__",
    "generate",
]
