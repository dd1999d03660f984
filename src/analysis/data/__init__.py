"""The tables: their declarations (``schema``), reading them cell by cell with line numbers
(``tables``), the rules beyond one cell (``rules``) and the validated ``Dataset`` (``dataset``).
Nothing else in the package reads a CSV of ``data/``."""
