"""``python -m policydata``: the command line."""

from policydata.cli.app import main

main()
