"""Offline speech with libespeak-ng (shipped by ``espeakng-loader``) through ctypes."""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ml.speech.engine import EngineError, Synthesis

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EE_OK = 0

# int callback(short *wav, int numsamples, espeak_EVENT *events)
_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _ESpeakLibrary:
    """The process-wide libespeak-ng state; every call must hold :attr:`lock`."""

    def __init__(self, library: Path, data_dir: Path) -> None:
        self.lock = threading.Lock()
        self._chunks: list[npt.NDArray[np.int16]] = []
        try:
            lib = ctypes.CDLL(str(library))
        except OSError as exc:
            raise EngineError(f"cannot load libespeak-ng: {exc}") from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,  # text
            ctypes.c_size_t,  # size
            ctypes.c_uint,  # position
            ctypes.c_int,  # position_type
            ctypes.c_uint,  # end_position
            ctypes.c_uint,  # flags
            ctypes.c_void_p,  # unique_identifier
            ctypes.c_void_p,  # user_data
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_dir).encode(), _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EngineError(f"espeak_Initialize failed with data at {data_dir}")
        self.rate = int(rate)
        self._callback = _SynthCallback(self._collect)  # keep a reference while loaded
        lib.espeak_SetSynthCallback(self._callback)
        self._lib = lib

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def set_voice(self, name: str) -> bool:
        """Select the voice ``name``; False when there is none. Hold :attr:`lock`."""
        return bool(self._lib.espeak_SetVoiceByName(name.encode()) == _EE_OK)

    def synth(self, text: str) -> npt.NDArray[np.int16]:
        """All int16 samples of ``text`` in the current voice. Hold :attr:`lock`."""
        self._chunks = []
        data = text.encode("utf-8") + b"\0"
        status = self._lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        chunks, self._chunks = self._chunks, []
        if status != _EE_OK:
            raise EngineError(f"espeak_Synth failed with status {status}")
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks)


_LIBRARY: _ESpeakLibrary | None = None
_LIBRARY_LOCK = threading.Lock()


def _library() -> _ESpeakLibrary:
    """Load and initialise libespeak-ng once per process."""
    global _LIBRARY
    with _LIBRARY_LOCK:
        if _LIBRARY is None:
            try:
                import espeakng_loader

                library = Path(espeakng_loader.get_library_path())
                data_dir = Path(espeakng_loader.get_data_path())
            except (ImportError, RuntimeError) as exc:
                raise EngineError(f"espeak-ng is not installed: {exc}") from None
            _LIBRARY = _ESpeakLibrary(library, data_dir)
        return _LIBRARY


class ESpeakEngine:
    """The offline engine: espeak-ng voices (English ``en``, Korean ``ko`` and many more)."""

    name = "espeak"

    def __init__(self) -> None:
        self._voices: dict[str, bool] = {}

    def supports(self, lang: str) -> bool:
        """True when espeak-ng has a voice named ``lang``."""
        if lang not in self._voices:
            lib = _library()
            with lib.lock:
                self._voices[lang] = lib.set_voice(lang)
        return self._voices[lang]

    def synthesize(self, text: str, lang: str) -> Synthesis:
        """Speak ``text`` with the ``lang`` voice (serialised: libespeak-ng is not thread-safe)."""
        lib = _library()
        with lib.lock:
            if not lib.set_voice(lang):
                raise EngineError(f"espeak-ng has no voice for {lang!r}")
            samples = lib.synth(text)
        if len(samples) == 0:
            raise EngineError("espeak-ng produced no audio")
        return Synthesis(samples.astype(np.float32) / 32768.0, lib.rate)
