"""Client transports on Qt networking: the server's REST API, the event stream and the
LAN alarm beacon. Event driven on the GUI thread; nothing here blocks."""
