"""Write resources/sounds/alarm.wav: our own short two-tone alarm (0.8 s, loops cleanly).

    python scripts/make_alarm_tone.py

Two alternating tones (880 Hz and 660 Hz, 0.2 s each, twice) with 10 ms fades so the loop
does not click; 16-bit mono at 22,050 Hz, about 35 kB.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
TONES = (880.0, 660.0, 880.0, 660.0)
TONE_SECONDS = 0.2
FADE_SECONDS = 0.01
VOLUME = 0.6
TARGET = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "alarm.wav"


def samples() -> list[int]:
    out: list[int] = []
    per_tone = int(RATE * TONE_SECONDS)
    fade = int(RATE * FADE_SECONDS)
    for frequency in TONES:
        for n in range(per_tone):
            envelope = min(1.0, n / fade, (per_tone - 1 - n) / fade)
            value = VOLUME * envelope * math.sin(2 * math.pi * frequency * n / RATE)
            out.append(int(value * 32767))
    return out


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(TARGET), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples()))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
