"""The pages: the one writer of ``reports/`` (``report``), the index and track-record pages, the
notebooks as HTML and the provenance block every page carries."""
