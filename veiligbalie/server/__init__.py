"""The central server: FastAPI REST API, stream hub, its own store and the admin CLI.
Never imports ui, services or net."""
