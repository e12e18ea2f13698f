"""Entry script of the frozen client (PyInstaller): the same main() as `veiligbalie`."""

from veiligbalie.app import main

if __name__ == "__main__":
    raise SystemExit(main())
