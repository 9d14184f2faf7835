"""The GAN lab's science: data sets, models, objectives and the trainer. No terminal UI code here."""

import os

# OpenMP threads that spin while waiting are ruinous when the cores are shared (the TUI beside the
# trainer, other jobs, CI): measured on a busy 2-core machine, an MLP GAN step took 386 ms with two
# spinning threads, 14 ms with one, and 8 ms with two passive ones. Read when torch loads, so it is set
# here, before any module of this package imports torch; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
