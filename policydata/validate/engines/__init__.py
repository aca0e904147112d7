"""Other engines for the single-table checks (the default, vectorised Arrow, is in ``checks``)."""
