"""X11 global key: ``xcb_grab_key`` on each screen's root window through ctypes, on Qt's own
xcb connection, and a native event filter that sees the KEY_PRESS events it produces.

NumLock and CapsLock are modifiers to X11: the key is grabbed with each combination of
them, or it would not fire while NumLock is on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication

from veiligbalie.services.hotkey_base import ALT, CTRL, META, SHIFT, Chord

log = logging.getLogger(__name__)

XCB_KEY_PRESS = 2
XCB_GRAB_MODE_ASYNC = 1
MASK_SHIFT, MASK_LOCK, MASK_CONTROL, MASK_MOD1, MASK_MOD2, MASK_MOD4 = 1, 2, 4, 8, 16, 64
MODIFIER_MASKS = {SHIFT: MASK_SHIFT, CTRL: MASK_CONTROL, ALT: MASK_MOD1, META: MASK_MOD4}
#: CapsLock (Lock) and NumLock (Mod2 on every common layout) must not block the key.
LOCK_VARIANTS = (0, MASK_LOCK, MASK_MOD2, MASK_LOCK | MASK_MOD2)

_NAMED_KEYSYMS = {
    Qt.Key.Key_Pause: 0xFF13,
    Qt.Key.Key_ScrollLock: 0xFF14,
    Qt.Key.Key_Print: 0xFF61,
    Qt.Key.Key_Insert: 0xFF63,
    Qt.Key.Key_Delete: 0xFFFF,
    Qt.Key.Key_Home: 0xFF50,
    Qt.Key.Key_End: 0xFF57,
    Qt.Key.Key_PageUp: 0xFF55,
    Qt.Key.Key_PageDown: 0xFF56,
    Qt.Key.Key_Left: 0xFF51,
    Qt.Key.Key_Up: 0xFF52,
    Qt.Key.Key_Right: 0xFF53,
    Qt.Key.Key_Down: 0xFF54,
    Qt.Key.Key_Space: 0x0020,
    Qt.Key.Key_Escape: 0xFF1B,
    Qt.Key.Key_Return: 0xFF0D,
    Qt.Key.Key_Enter: 0xFF8D,
    Qt.Key.Key_Tab: 0xFF09,
    Qt.Key.Key_Backspace: 0xFF08,
}


def keysym_for(key: Qt.Key) -> int:
    """The X11 keysym of a Qt key. ValueError for keys a global grab does not support."""
    value = key.value
    if Qt.Key.Key_F1.value <= value <= Qt.Key.Key_F35.value:
        return 0xFFBE + (value - Qt.Key.Key_F1.value)
    if Qt.Key.Key_A.value <= value <= Qt.Key.Key_Z.value:
        return ord("a") + (value - Qt.Key.Key_A.value)  # the unshifted keysym
    if Qt.Key.Key_0.value <= value <= Qt.Key.Key_9.value:
        return value
    if key in _NAMED_KEYSYMS:
        return _NAMED_KEYSYMS[key]
    raise ValueError(f"the key {key.name} cannot be used as a global hotkey")


def modifier_mask(modifiers: frozenset[str]) -> int:
    mask = 0
    for name in modifiers:
        mask |= MODIFIER_MASKS[name]
    return mask


def grab_masks(modifiers: frozenset[str]) -> list[int]:
    """Every modifier state to grab: the chord with each NumLock/CapsLock variant."""
    base = modifier_mask(modifiers)
    return [base | lock for lock in LOCK_VARIANTS]


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


class _VoidCookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _KeyPress(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("detail", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("time", ctypes.c_uint32),
        ("root", ctypes.c_uint32),
        ("event", ctypes.c_uint32),
        ("child", ctypes.c_uint32),
        ("root_x", ctypes.c_int16),
        ("root_y", ctypes.c_int16),
        ("event_x", ctypes.c_int16),
        ("event_y", ctypes.c_int16),
        ("state", ctypes.c_uint16),
        ("same_screen", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8),
    ]


def _load(name: str, soname: str) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(soname)
    except OSError:
        found = ctypes.util.find_library(name)
        if not found:
            raise OSError(f"library {soname} not found") from None
        return ctypes.CDLL(found)


def _libraries() -> tuple[ctypes.CDLL, ctypes.CDLL, ctypes.CDLL]:
    xcb = _load("xcb", "libxcb.so.1")
    keysyms = _load("xcb-keysyms", "libxcb-keysyms.so.1")  # a dependency of Qt's xcb plugin
    libc = _load("c", "libc.so.6")
    xcb.xcb_get_setup.restype = ctypes.c_void_p
    xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
    xcb.xcb_setup_roots_iterator.restype = _ScreenIterator
    xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
    xcb.xcb_screen_next.argtypes = [ctypes.POINTER(_ScreenIterator)]
    xcb.xcb_screen_next.restype = None
    xcb.xcb_grab_key_checked.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint8,
        ctypes.c_uint32,
        ctypes.c_uint16,
        ctypes.c_uint8,
        ctypes.c_uint8,
        ctypes.c_uint8,
    ]
    xcb.xcb_grab_key_checked.restype = _VoidCookie
    xcb.xcb_ungrab_key.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint8,
        ctypes.c_uint32,
        ctypes.c_uint16,
    ]
    xcb.xcb_ungrab_key.restype = _VoidCookie
    xcb.xcb_request_check.argtypes = [ctypes.c_void_p, _VoidCookie]
    xcb.xcb_request_check.restype = ctypes.c_void_p
    xcb.xcb_flush.argtypes = [ctypes.c_void_p]
    keysyms.xcb_key_symbols_alloc.argtypes = [ctypes.c_void_p]
    keysyms.xcb_key_symbols_alloc.restype = ctypes.c_void_p
    keysyms.xcb_key_symbols_free.argtypes = [ctypes.c_void_p]
    keysyms.xcb_key_symbols_get_keycode.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    keysyms.xcb_key_symbols_get_keycode.restype = ctypes.POINTER(ctypes.c_uint8)
    libc.free.argtypes = [ctypes.c_void_p]
    return xcb, keysyms, libc


class _KeyFilter(QAbstractNativeEventFilter):
    def __init__(self, owner: X11Hotkey) -> None:
        super().__init__()
        self._owner = owner

    def nativeEventFilter(  # noqa: N802 - Qt override
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> object:
        # ``message`` is a shiboken VoidPtr of size 0, which is falsy: test its address.
        address = int(message)
        kind = bytes(event_type)  # type: ignore[arg-type]  # PySide6 stubs lack QByteArray's buffer protocol
        if address and kind == b"xcb_generic_event_t":
            self._owner.handle(address)
        return False, 0


class X11Hotkey:
    """An active grab; :meth:`close` releases it."""

    def __init__(self, chord: Chord, on_press: Callable[[], None]) -> None:
        if QGuiApplication.platformName() != "xcb":
            raise OSError("not running on X11")
        app = QCoreApplication.instance()
        # A QGuiApplication on xcb (checked above); PySide6 stubs type its nativeInterface() as
        # object and lack it on QCoreApplication.
        native = app.nativeInterface() if app is not None else None  # type: ignore[attr-defined]  # see above
        connection = int(native.connection()) if native is not None else 0
        if app is None or not connection:
            raise OSError("no X11 connection")
        self._xcb, keysyms, self._libc = _libraries()
        self._conn = connection
        self._on_press = on_press
        self._masks = grab_masks(chord.modifiers)
        self._base_mask = modifier_mask(chord.modifiers)
        symbols = keysyms.xcb_key_symbols_alloc(connection)
        try:
            codes = keysyms.xcb_key_symbols_get_keycode(symbols, keysym_for(chord.key))
            self._keycodes: list[int] = []
            if codes:
                index = 0
                while codes[index] and index < 8:
                    self._keycodes.append(codes[index])
                    index += 1
                self._libc.free(ctypes.cast(codes, ctypes.c_void_p))
        finally:
            keysyms.xcb_key_symbols_free(symbols)
        if not self._keycodes:
            raise ValueError("the keyboard layout has no such key")
        self._roots = self._root_windows()
        self._grabbed: list[tuple[int, int, int]] = []
        try:
            for root in self._roots:
                for code in self._keycodes:
                    for mask in self._masks:
                        self._grab(root, code, mask)
        except OSError:
            self.close()
            raise
        self._xcb.xcb_flush(connection)
        self._filter: _KeyFilter | None = _KeyFilter(self)
        app.installNativeEventFilter(self._filter)

    def _root_windows(self) -> list[int]:
        setup = self._xcb.xcb_get_setup(self._conn)
        iterator = self._xcb.xcb_setup_roots_iterator(setup)
        roots = []
        while iterator.rem > 0:
            # xcb_screen_t starts with its root window id.
            roots.append(ctypes.c_uint32.from_address(iterator.data).value)
            self._xcb.xcb_screen_next(ctypes.byref(iterator))
        return roots

    def _grab(self, root: int, keycode: int, mask: int) -> None:
        cookie = self._xcb.xcb_grab_key_checked(
            self._conn, 1, root, mask, keycode, XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC
        )
        error = self._xcb.xcb_request_check(self._conn, cookie)
        if error:
            code = ctypes.c_uint8.from_address(error + 1).value
            self._libc.free(error)
            raise OSError(f"another program holds this key (X11 error {code})")
        self._grabbed.append((root, keycode, mask))

    def handle(self, address: int) -> None:
        if ctypes.c_uint8.from_address(address).value & 0x7F != XCB_KEY_PRESS:
            return
        event = _KeyPress.from_address(address)
        state = event.state & ~(MASK_LOCK | MASK_MOD2)
        # Only presses that reached the grab on a root window: when one of our own windows
        # has the focus the key goes there (owner_events) and the window's shortcut acts.
        if (
            event.event in self._roots
            and event.detail in self._keycodes
            and state == self._base_mask
        ):
            log.info("Global alarm key pressed")
            self._on_press()

    def close(self) -> None:
        for root, keycode, mask in self._grabbed:
            self._xcb.xcb_ungrab_key(self._conn, keycode, root, mask)
        self._grabbed = []
        if self._conn:
            self._xcb.xcb_flush(self._conn)
        event_filter = getattr(self, "_filter", None)
        app = QCoreApplication.instance()
        if event_filter is not None and app is not None:
            app.removeNativeEventFilter(event_filter)
            self._filter = None
