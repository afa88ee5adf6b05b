"""connect-numbers: Amazon Connect's phone-number lifecycle, self-hosted."""

__version__ = "0.1.0"
__all__ = ["__version__"]
