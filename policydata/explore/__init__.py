"""The explorer: Datasette over a release's SQLite export (needs the optional extra ``policydata[serve]``).

:mod:`~policydata.explore.metadata` makes Datasette's metadata (titles, licence and citation,
descriptions, units, facets, canned queries) from the record models;
:mod:`~policydata.explore.rates` answers the rate and timeline pages with
:mod:`policydata.tariffs`; :mod:`~policydata.explore.plugin` is the Datasette plugin that serves
them; :mod:`~policydata.explore.server` exports a release and starts Datasette on it
(``policydata serve``). Only the plugin and the server import Datasette.
"""
