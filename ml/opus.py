"""Voice-note encoding with libopus (Debian's ``libopus0``) through ctypes, muxed by :mod:`ml.opus_ogg`.

libsndfile's Opus writer runs libopus at its default complexity: 160 ms of CPU for ten
seconds of speech here. CELT-only mode at complexity 0 and 64 kbit/s scores the same
wide-band PESQ in under a tenth of the CPU time (``python benchmarks/bench_speech.py --sweep``).
:func:`libopus` loads the library once per process and returns ``None`` when it is missing
(callers then fall back to libsndfile).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading

import numpy as np
import numpy.typing as npt

from ml.opus_ogg import OGG_RATE, ogg_opus

log = logging.getLogger(__name__)

LIBRARY_NAMES: tuple[str, ...] = ("libopus.so.0", "libopus.so", "libopus.0.dylib")
"""Where to look for libopus, in order (then ``ctypes.util.find_library("opus")``)."""
OPUS_RATES = frozenset({8_000, 12_000, 16_000, 24_000, 48_000})
"""Input rates libopus accepts without resampling."""
FRAME_MS = 20
VOICE_BITRATE = 64_000
"""Bits per second (VBR): about 80 kB for ten seconds of speech, far less for silence."""
VOICE_COMPLEXITY = 0
"""0..10; see the module docstring for how it was chosen."""

APPLICATION_VOIP = 2048
"""SILK or hybrid coding, made for speech, but 3-7x the CPU of CELT at complexity 0 here."""
APPLICATION_RESTRICTED_LOWDELAY = 2051
"""CELT only: the fastest mode, and it suits the composer's melodies as well as speech."""
VOICE_APPLICATION = APPLICATION_RESTRICTED_LOWDELAY
_SET_BITRATE = 4002
_SET_COMPLEXITY = 4010
_SET_SIGNAL = 4024
_SIGNAL_VOICE = 3001
"""A hint for mode and bandwidth choice; no measured effect in CELT-only mode, kept for VOIP."""
_GET_LOOKAHEAD = 4027
_MAX_PACKET = 4000
"""libopus's recommended output buffer per packet."""


class OpusError(RuntimeError):
    """libopus refused the settings or the audio."""


class LibOpus:
    """The loaded library; thread-safe (every call uses its own encoder state)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        lib.opus_get_version_string.argtypes = []
        lib.opus_get_version_string.restype = ctypes.c_char_p
        lib.opus_strerror.argtypes = [ctypes.c_int]
        lib.opus_strerror.restype = ctypes.c_char_p
        lib.opus_encoder_create.argtypes = [
            ctypes.c_int32,  # Fs
            ctypes.c_int,  # channels
            ctypes.c_int,  # application
            ctypes.POINTER(ctypes.c_int),  # error
        ]
        lib.opus_encoder_create.restype = ctypes.c_void_p
        lib.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
        lib.opus_encoder_destroy.restype = None
        lib.opus_encoder_ctl.restype = ctypes.c_int  # variadic: arguments are passed typed
        lib.opus_encode_float.argtypes = [
            ctypes.c_void_p,  # encoder
            ctypes.c_void_p,  # const float *pcm
            ctypes.c_int,  # frame_size
            ctypes.c_void_p,  # unsigned char *data
            ctypes.c_int32,  # max_data_bytes
        ]
        lib.opus_encode_float.restype = ctypes.c_int32
        self._lib = lib
        self.version: str = lib.opus_get_version_string().decode()

    def _error(self, what: str, code: int) -> OpusError:
        return OpusError(f"{what}: {self._lib.opus_strerror(code).decode()} ({code})")

    def _ctl(self, encoder: int, request: int, value: int) -> None:
        code = self._lib.opus_encoder_ctl(
            ctypes.c_void_p(encoder), ctypes.c_int(request), ctypes.c_int32(value)
        )
        if code != 0:
            raise self._error(f"opus_encoder_ctl({request}, {value})", code)

    def _lookahead(self, encoder: int) -> int:
        value = ctypes.c_int32(0)
        code = self._lib.opus_encoder_ctl(
            ctypes.c_void_p(encoder), ctypes.c_int(_GET_LOOKAHEAD), ctypes.byref(value)
        )
        if code != 0:
            raise self._error("OPUS_GET_LOOKAHEAD", code)
        return int(value.value)

    def encode(
        self,
        samples: npt.NDArray[np.float32],
        rate: int,
        bitrate: int = VOICE_BITRATE,
        complexity: int = VOICE_COMPLEXITY,
        application: int = VOICE_APPLICATION,
    ) -> bytes:
        """Mono float32 ``samples`` at ``rate`` (one of :data:`OPUS_RATES`) as an Ogg Opus file.

        The file decodes at 48 kHz to exactly ``len(samples)`` samples scaled to 48 kHz: the
        encoder's look-ahead is the pre-skip and the last granule trims the padding.
        """
        if rate not in OPUS_RATES:
            raise OpusError(f"libopus cannot take {rate} Hz; use one of {sorted(OPUS_RATES)}")
        if len(samples) == 0:
            raise OpusError("no samples to encode")
        error = ctypes.c_int(0)
        encoder = self._lib.opus_encoder_create(rate, 1, application, ctypes.byref(error))
        if not encoder or error.value != 0:
            raise self._error("opus_encoder_create", error.value)
        try:
            self._ctl(encoder, _SET_SIGNAL, _SIGNAL_VOICE)
            self._ctl(encoder, _SET_BITRATE, bitrate)
            self._ctl(encoder, _SET_COMPLEXITY, complexity)
            lookahead = self._lookahead(encoder)
            frame = rate * FRAME_MS // 1000
            frames = -(-(len(samples) + lookahead) // frame)  # flush the look-ahead too
            pcm = np.zeros(frames * frame, dtype=np.float32)
            pcm[: len(samples)] = samples
            out = ctypes.create_string_buffer(_MAX_PACKET)
            packets = []
            base, step = pcm.ctypes.data, frame * pcm.itemsize
            for index in range(frames):
                size = self._lib.opus_encode_float(encoder, base + index * step, frame, out, _MAX_PACKET)
                if size < 0:
                    raise self._error("opus_encode_float", size)
                packets.append(ctypes.string_at(out, size))
        finally:
            self._lib.opus_encoder_destroy(encoder)
        scale = OGG_RATE // rate
        pre_skip = lookahead * scale
        return ogg_opus(packets, frame * scale, pre_skip, pre_skip + len(samples) * scale, self.version)


_LIBOPUS: LibOpus | None = None
_TRIED = False
_LOCK = threading.Lock()


def _open(name: str) -> LibOpus | None:
    try:
        return LibOpus(ctypes.CDLL(name))
    except (OSError, AttributeError):  # missing, or not libopus
        return None


def _load() -> LibOpus | None:
    for name in LIBRARY_NAMES:
        if (lib := _open(name)) is not None:
            return lib
    found = ctypes.util.find_library("opus")  # runs ldconfig: only when the names above fail
    if found and (lib := _open(found)) is not None:
        return lib
    log.warning(
        "libopus not found (%s): voice notes use libsndfile's slower Opus encoder; "
        "install libopus0 for faster voice notes",
        ", ".join(LIBRARY_NAMES),
    )
    return None


def libopus() -> LibOpus | None:
    """The process-wide libopus, or ``None`` when it cannot be loaded (logged once)."""
    global _LIBOPUS, _TRIED
    with _LOCK:
        if not _TRIED:
            _LIBOPUS, _TRIED = _load(), True
        return _LIBOPUS


def reset() -> None:
    """Forget the loaded library so the next :func:`libopus` looks again (tests)."""
    global _LIBOPUS, _TRIED
    with _LOCK:
        _LIBOPUS, _TRIED = None, False
