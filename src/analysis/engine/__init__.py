"""The forecasting engine: one formula (``formula``), the specifications and their in-time
scores (``specifications``, ``scoring``), the mixture that makes the headline (``mixture``,
``headline``), the what-if as one named specification (``whatif``), the frozen ledger and its
track record, and the thesis on measured series. Numbers only."""
