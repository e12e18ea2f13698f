"""Qt widgets and table models. Widgets get services in their constructor and never open
a socket or a database session themselves."""
