"""The version of crisiskit."""

__version__ = "0.1.0.dev0"
