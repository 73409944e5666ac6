"""The exception hierarchy of synthsocial.

Every error raised for user input derives from :class:`SynthSocialError`; its message is one
line that names the bad value and says what is accepted. The CLI prints it and exits non-zero.
"""


class SynthSocialError(Exception):
    """Base class of every error synthsocial raises on purpose."""


class ConfigError(SynthSocialError, ValueError):
    """A parameter or configuration value is invalid."""


class InputError(SynthSocialError, ValueError):
    """An input file or directory cannot be read or is malformed."""


class OutputError(SynthSocialError, OSError):
    """An output location cannot be written."""


class MissingDependencyError(SynthSocialError, ImportError):
    """An optional dependency is needed for this operation and is not installed."""
