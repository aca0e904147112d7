"""Version of the policydata library (the data releases have calendar versions of their own)."""

__version__ = "0.1.0"
