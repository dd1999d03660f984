# IPython profile for the determinism runs (Makefile: IPYTHONDIR): inline figures are shown as
# their text line only. nbval never compares PNGs, so drawing them there is wasted time.
c = get_config()  # noqa: F821
c.InlineBackend.figure_formats = set()
# Kernels must write nothing into this committed folder.
c.HistoryManager.enabled = False
