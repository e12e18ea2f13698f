"""Wire schemas (pydantic) shared by the client's net layer and the server: REST bodies,
stream events and the signed LAN alarm packet."""
