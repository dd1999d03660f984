"""Analysis package."""

import os

# One BLAS thread. The package's linear algebra runs on tables of tens of rows, where
# OpenBLAS's extra threads only spin: measured, the headline's sensitivity took 1.5 times the
# processor time for the same wall time, and in a build that runs two questions at once the
# spinning threads take the cores from each other. Read when numpy loads, so it is set here,
# before any module of the package imports numpy; a value the user set is kept, and the
# kernels and workers a command starts inherit it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
