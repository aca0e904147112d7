"""``python -m policydata.cli``: the command line."""

from policydata.cli.app import main

main()
