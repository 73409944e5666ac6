"""Upper bounds the command line and the library share, so a value past one is refused by the
option's own parser (one line naming the option) before any work, and by the library for a
Python caller. Each is far above any meaningful run and low enough that nothing it sizes (a
process pool, a search, a list of worlds) can exhaust the machine."""

MAX_BUDGET = 1_000_000  # evaluations of one calibration search
MAX_REPLICATES = 1_000  # worlds per calibration point
MAX_PROCESSES = 1_024  # processes of the calibration grid's pool
