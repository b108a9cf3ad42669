"""SalesMind Desktop: local real-time emotion analysis and coaching for sales calls."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("salesmind-desktop")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"
