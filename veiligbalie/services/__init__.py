"""Application services: QObjects with signals that the UI listens to and calls."""
