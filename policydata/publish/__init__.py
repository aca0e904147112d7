"""Publishing data releases: build one from the sources, archive it, record it in the changelog.

:mod:`~policydata.publish.build` turns the source CSVs into a release folder;
:mod:`~policydata.publish.archive` writes its archive and index entry;
:mod:`~policydata.publish.changelog` writes its record-level changes into ``CHANGELOG.md``.
"""
