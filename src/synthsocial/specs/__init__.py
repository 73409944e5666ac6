"""One spec per stage (base.py says what a spec is): the settings each command and ``world`` take.

Specs import nothing heavier than the configuration, so the command line can build every command's
options at start-up; the stages import their spec from here."""
