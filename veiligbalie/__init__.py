"""VeiligBalie: alarm, incident registration and follow-up for public front desks."""

__version__ = "0.1.0"
