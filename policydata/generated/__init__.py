"""Everything derived from the record models: storage schema, pandera models, Table Schemas.

Nothing here is written by hand for a particular table; a test checks that the exported copies in
``schemas/`` match what these modules generate.
"""
