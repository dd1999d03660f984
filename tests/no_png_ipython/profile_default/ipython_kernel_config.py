# IPython profile for the determinism runs (Makefile: IPYTHONDIR): inline figures are shown as
# their text line only. nbval never compares PNGs, so drawing them there is wasted time.
c = get_config()  # noqa: F821
c.InlineBackend.figure_formats = set()
c.HistoryManager.enabled = False  # no history.sqlite written into the checkout
