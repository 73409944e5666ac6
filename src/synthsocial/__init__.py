"""synthsocial: synthetic social-media worlds (users, follower graph, posts) measured against real data."""

from ._version import __version__
from .config import GeneratorConfig
from .errors import ConfigError, InputError, OutputError, SynthSocialError
from .generation import generate
from .world import World

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
