"""Operational core of the ERP: store, service layer, import/export and CLI."""

__version__ = "0.1.0"
