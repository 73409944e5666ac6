"""The exception hierarchy of synthsocial.

Every error raised for user input derives from :class:`SynthSocialError`; its message is one
line that names the bad value and says what is accepted. The CLI prints it and exits non-zero.
"""


def printable(text: str, limit: int = 200) -> str:
    """``text`` on one line, at most ``limit`` characters, with what a terminal should not print (control
    characters, bytes that were not text) escaped: what a message may quote of a file."""
    one = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in one)[:limit]


class SynthSocialError(Exception):
    """Base class of every error synthsocial raises on purpose.

    A message about settings names them as ``{placeholders}`` given as keywords: the field's path
    (``ConfigError("{adapter} is not a directory", adapter="posts.adapter")``). The library's message
    shows the path; the command line shows the flag the user typed (cli/options.py)."""

    def __init__(self, template: str = "", **fields: str):
        self.template = template
        self.fields = fields
        super().__init__(self.render(fields))

    def render(self, names: dict[str, str]) -> str:
        """The message with each ``{placeholder}`` replaced by ``names[placeholder]`` (a path or a flag)."""
        text = self.template
        for key, name in names.items():
            text = text.replace("{" + key + "}", name)
        return text


class ConfigError(SynthSocialError, ValueError):
    """A parameter or configuration value is invalid."""


class InputError(SynthSocialError, ValueError):
    """An input file or directory cannot be read or is malformed."""


class OutputError(SynthSocialError, OSError):
    """An output location cannot be written."""


class MissingDependencyError(SynthSocialError, ImportError):
    """An optional dependency is needed for this operation and is not installed."""


class BusyError(OutputError):
    """Another synthsocial process is writing (or reading) the same output."""


class DamagedFileWarning(UserWarning):
    """A file synthsocial wrote has changed since (its content hash differs from the recorded one)."""


#: Exit codes of the ``synthsocial`` command (README, "Exit codes").
EXIT_USAGE = 2  # the command line or a setting is wrong: fix what you typed
EXIT_FAILED = 1  # the work could not be done: an input, the output, a dependency or a server


def exit_code(exc: SynthSocialError) -> int:
    """The exit code of the ``synthsocial`` command for ``exc``: EXIT_USAGE (2) for a ConfigError, else EXIT_FAILED."""
    return EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_FAILED
