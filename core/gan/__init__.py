"""The GAN lab's science: data sets, models, objectives and the trainer. No terminal UI code here."""

import os

# OpenMP threads that spin without end while waiting are ruinous when the cores are shared (the TUI beside
# the trainer, other jobs, CI): measured on a busy 2-core machine, an MLP GAN step took 386 ms with two
# spinning threads, 14 ms with one, and 8 ms with two passive ones. But threads that sleep at once pay a
# wake-up for every parallel region: on a quiet 2-core machine 2,000 steps of the opener took 29.4 s passive,
# 15.1 s spinning, and 15.0 s spinning 30,000 rounds before sleeping (GNU OpenMP's GOMP_SPINCOUNT, which
# overrides the policy; 3,000 rounds: 17.9 s). Other OpenMP runtimes read only the policy. Read when torch
# loads, so set here, before any module of this package imports torch; a user's own settings win.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("GOMP_SPINCOUNT", "30000")
