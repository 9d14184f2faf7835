"""The colours of a 2-D run's sample plot, as RGB in [0, 1]: the data and the generator's samples
(core.gan.grids) over D's opinion of every point (core.gan.heatmap). Kept free of torch so the terminal
can draw their key without loading it."""

DATA = (0.25, 0.45, 1.0)      # the data's density
SAMPLES = (1.0, 0.75, 0.2)    # G's samples, drawn over the data
D_FAKE = (0.26, 0.07, 0.32)   # where D says "generated"; dark, so the samples and data drawn over it stay bright
D_REAL = (0.06, 0.30, 0.15)   # where D says "real"
