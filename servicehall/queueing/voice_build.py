"""Records the board's voice clips with Debian's espeak-ng (Q05).

A display board may have no internet and no Chinese system voice, so the call
"请A023号到3号窗口办理" is played from short clips (see `voice.CLIP_TEXTS`).
This module records each clip once, trims the silence espeak-ng puts around
every utterance (played one after another, untrimmed clips sound halting), and
writes `manifest.json` so a rebuild can tell which clips are already current.

The clips are plain 16-bit mono WAV: every browser decodes it, and no encoder
beyond the Python standard library is needed on the machine.
"""

from __future__ import annotations

import array
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .voice import CLIP_TEXTS

ESPEAK = "espeak-ng"
VOICE = "cmn"
SPEED_WPM = 170
# Samples quieter than this (of 32767) count as silence when trimming.
SILENCE_LEVEL = 300
# Keep a little air around each clip so consonants are not clipped.
KEEP_MS = 25
MANIFEST = "manifest.json"


class VoiceBuildError(RuntimeError):
    """espeak-ng is missing or failed; the message says what to do."""


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def clip_filename(name: str) -> str:
    return f"{name}.wav"


def _fingerprint(text: str) -> str:
    """Changes when the words or the recording settings change, so stale clips are redone."""
    return hashlib.sha1(
        f"{VOICE}|{SPEED_WPM}|{SILENCE_LEVEL}|{KEEP_MS}|{text}".encode(), usedforsecurity=False
    ).hexdigest()[:12]


def find_espeak(executable: str = ESPEAK) -> str:
    path = shutil.which(executable)
    if path is None:
        raise VoiceBuildError(
            f"{executable} was not found. Install it with `apt-get install espeak-ng` "
            "(or run `make voice`), then run `manage.py build_voice` again."
        )
    return path


def _record(espeak: str, text: str, target: Path) -> None:
    """One utterance to a WAV file, then trimmed in place."""
    with tempfile.NamedTemporaryFile(suffix=".wav", dir=target.parent, delete=False) as tmp:
        raw = Path(tmp.name)
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, text from our own table
            [espeak, "-v", VOICE, "-s", str(SPEED_WPM), "-w", str(raw), text],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode != 0 or not raw.exists() or raw.stat().st_size <= 44:
            raise VoiceBuildError(f"espeak-ng could not record {text!r}: {result.stderr.strip() or result.returncode}")
        trim_silence(raw, target)
    finally:
        raw.unlink(missing_ok=True)


def trim_silence(source: Path, target: Path) -> None:
    """Cut leading and trailing silence from a 16-bit mono WAV."""
    with wave.open(str(source), "rb") as reader:
        params = reader.getparams()
        frames = reader.readframes(reader.getnframes())
    if params.sampwidth != 2 or params.nchannels != 1:
        target.write_bytes(source.read_bytes())
        return
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i, s in enumerate(samples) if abs(s) > SILENCE_LEVEL]
    keep = params.framerate * KEEP_MS // 1000
    start, end = (max(loud[0] - keep, 0), min(loud[-1] + keep + 1, len(samples))) if loud else (0, len(samples))
    kept = samples[start:end]
    if sys.byteorder == "big":
        kept.byteswap()
    with wave.open(str(target), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(params.framerate)
        writer.writeframes(kept.tobytes())


def _read_manifest(directory: Path) -> dict:
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _is_current(directory: Path, name: str, text: str, manifest: dict) -> bool:
    entry = manifest.get("clips", {}).get(name, {})
    path = directory / clip_filename(name)
    return entry.get("fingerprint") == _fingerprint(text) and path.exists() and path.stat().st_size > 44


def _duration_ms(path: Path) -> int:
    with wave.open(str(path), "rb") as reader:
        return round(reader.getnframes() * 1000 / reader.getframerate())


def _write_manifest(directory: Path, names: Iterable[str]) -> None:
    clips = {
        name: {
            "file": clip_filename(name),
            "text": CLIP_TEXTS[name],
            "fingerprint": _fingerprint(CLIP_TEXTS[name]),
            "duration_ms": _duration_ms(directory / clip_filename(name)),
            "bytes": (directory / clip_filename(name)).stat().st_size,
        }
        for name in names
    }
    manifest = {"engine": "espeak-ng", "voice": VOICE, "format": "audio/wav", "clips": clips}
    tmp = directory / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(directory / MANIFEST)


def build_clips(directory: Path, *, force: bool = False, espeak: str = ESPEAK) -> BuildReport:
    """Record every clip of `CLIP_TEXTS` that is missing or out of date (all with `force`)."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {} if force else _read_manifest(directory)
    report = BuildReport()
    todo = []
    for name, text in CLIP_TEXTS.items():
        if _is_current(directory, name, text, manifest):
            report.skipped.append(name)
        else:
            todo.append(name)
    if todo:
        executable = find_espeak(espeak)
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda n: _record(executable, CLIP_TEXTS[n], directory / clip_filename(n)), todo))
        report.built = todo
    if todo or not (directory / MANIFEST).exists():
        _write_manifest(directory, CLIP_TEXTS)
    return report
