"""ml.opus and ml.opus_ogg: libopus through ctypes and our Ogg muxer, checked against libsndfile."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pytest
import soundfile as sf

from ml.opus import VOICE_APPLICATION, LibOpus, OpusError, libopus
from ml.opus_ogg import MAX_SEGMENTS, PACKETS_PER_PAGE, lacing, ogg_crc, ogg_opus


def reference_crc(data: bytes) -> int:
    """Ogg's CRC-32 bit by bit, straight from RFC 3533's description."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


@dataclass(frozen=True)
class Page:
    flags: int
    granule: int
    serial: int
    sequence: int
    packets: list[bytes]
    continued_at_end: bool


def pages(ogg: bytes) -> Iterator[Page]:
    """Parse ``ogg`` page by page, checking capture pattern, version and CRC."""
    pos = 0
    while pos < len(ogg):
        magic, version, flags, granule, serial, sequence, crc, count = struct.unpack_from(
            "<4sBBqIIIB", ogg, pos
        )
        assert magic == b"OggS" and version == 0
        table = ogg[pos + 27 : pos + 27 + count]
        size = 27 + count + sum(table)
        raw = ogg[pos : pos + size]
        assert reference_crc(raw[:22] + b"\0\0\0\0" + raw[26:]) == crc
        body, packets, current = raw[27 + count :], [], b""
        offset = 0
        for value in table:
            current += body[offset : offset + value]
            offset += value
            if value < 255:
                packets.append(current)
                current = b""
        yield Page(flags, granule, serial, sequence, packets, bool(current))
        pos += size


def lib() -> LibOpus:
    loaded = libopus()
    if loaded is None:
        pytest.skip("libopus0 is not installed (.ci/run installs it)")
    return loaded


def speechlike(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    voice = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    return (0.2 * voice * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def test_crc_matches_the_ogg_definition() -> None:
    assert ogg_crc(b"123456789") == 0x89A1897F == reference_crc(b"123456789")
    data = np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    assert ogg_crc(data) == reference_crc(data)
    assert ogg_crc(b"") == 0


@pytest.mark.parametrize(
    ("size", "expected"), [(0, b"\0"), (254, b"\xfe"), (255, b"\xff\0"), (600, b"\xff\xff\x5a")]
)
def test_lacing(size: int, expected: bytes) -> None:
    assert lacing(size) == expected


@pytest.mark.parametrize("rate", [24_000, 48_000, 16_000])
def test_headers_granules_and_pre_skip(rate: int) -> None:
    samples = speechlike(2.345, rate)
    ogg = lib().encode(samples, rate)
    parsed = list(pages(ogg))
    head, tags, audio = parsed[0], parsed[1], parsed[2:]
    assert head.flags == 0x02 and head.granule == 0 and len(head.packets) == 1
    magic, version, channels, pre_skip, input_rate, gain, family = struct.unpack("<8sBBHIhB", head.packets[0])
    assert (magic, version, channels, input_rate, gain, family) == (b"OpusHead", 1, 1, 48000, 0, 0)
    assert pre_skip == 120  # CELT's 2.5 ms look-ahead, counted at 48 kHz whatever the input rate
    assert tags.packets[0].startswith(b"OpusTags") and tags.granule == 0
    assert [p.sequence for p in parsed] == list(range(len(parsed)))
    assert len({p.serial for p in parsed}) == 1
    assert not any(p.continued_at_end for p in parsed)
    assert all(p.flags == 0 for p in audio[:-1]) and audio[-1].flags == 0x04
    packets = [packet for p in audio for packet in p.packets]
    assert all(len(p.packets) <= PACKETS_PER_PAGE for p in audio)
    # every 20 ms packet adds 960 samples at 48 kHz; the last granule trims the padding
    done = 0
    for p in audio[:-1]:
        done += len(p.packets)
        assert p.granule == done * 960
    n48 = len(samples) * 48_000 // rate
    assert audio[-1].granule == pre_skip + n48
    assert (len(packets) - 1) * 960 < pre_skip + n48 <= len(packets) * 960
    info = sf.info(io.BytesIO(ogg))
    assert (info.format, info.subtype, info.samplerate, info.channels, info.frames) == (
        "OGG",
        "OPUS",
        48000,
        1,
        n48,
    )


@pytest.mark.parametrize(
    ("n", "rate"), [(1, 48_000), (960, 48_000), (480, 24_000), (1234, 24_000), (7, 8_000)]
)
def test_odd_lengths_decode_to_exactly_their_length(n: int, rate: int) -> None:
    samples = speechlike(1.0, rate)[:n]
    decoded, decoded_rate = sf.read(io.BytesIO(lib().encode(samples, rate)), dtype="float32")
    assert decoded_rate == 48_000 and decoded.ndim == 1
    assert len(decoded) == n * 48_000 // rate


def test_round_trip_is_aligned_and_keeps_the_energy() -> None:
    samples = speechlike(3.0, 48_000)
    decoded, _ = sf.read(io.BytesIO(lib().encode(samples, 48_000)), dtype="float32")
    assert len(decoded) == len(samples)
    inner = slice(4800, -4800)
    assert np.corrcoef(decoded[inner], samples[inner])[0, 1] > 0.95  # pre-skip aligns it
    rms_in = float(np.sqrt(np.mean(samples[inner] ** 2)))
    rms_out = float(np.sqrt(np.mean(decoded[inner] ** 2)))
    assert rms_out == pytest.approx(rms_in, rel=0.1)


def test_silence_is_small_and_silent() -> None:
    ogg = lib().encode(np.zeros(48_000 * 5, dtype=np.float32), 48_000)
    decoded, _ = sf.read(io.BytesIO(ogg), dtype="float32")
    assert len(decoded) == 48_000 * 5 and float(np.abs(decoded).max()) < 1e-3
    assert len(ogg) < 5_000  # VBR spends almost nothing on silence


def test_bad_crc_is_rejected_by_libsndfile() -> None:
    ogg = bytearray(lib().encode(speechlike(0.5, 48_000), 48_000))
    ogg[22] ^= 0xFF  # the first page's CRC
    with pytest.raises(sf.LibsndfileError):
        sf.read(io.BytesIO(bytes(ogg)))


def test_bad_arguments_raise_opus_error() -> None:
    samples = speechlike(0.1, 48_000)
    with pytest.raises(OpusError, match="44100"):
        lib().encode(samples, 44_100)
    with pytest.raises(OpusError, match="no samples"):
        lib().encode(samples[:0], 48_000)
    with pytest.raises(OpusError, match="invalid argument"):
        lib().encode(samples, 48_000, complexity=11)
    with pytest.raises(OpusError, match="opus_encoder_create"):
        lib().encode(samples, 48_000, application=1234)
    assert VOICE_APPLICATION == 2051


def test_concurrent_encodes_match_serial_ones() -> None:
    inputs = [speechlike(0.5 + i / 10, 24_000) for i in range(6)]
    serial = [lib().encode(x, 24_000) for x in inputs]
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(lambda x: lib().encode(x, 24_000), inputs)) == serial


def test_muxer_splits_pages_by_lacing_values_and_keeps_packets_whole() -> None:
    packets = [bytes([i % 251]) * (2000 + i) for i in range(100)]  # 8 lacing values each
    ogg = ogg_opus(packets, 960, 312, 312 + 99 * 960 + 5, "test")
    parsed = list(pages(ogg))[2:]
    assert [packet for p in parsed for packet in p.packets] == packets
    assert all(sum(len(lacing(len(x))) for x in p.packets) <= MAX_SEGMENTS for p in parsed)
    assert len(parsed) == 4 and parsed[-1].granule == 312 + 99 * 960 + 5
    with pytest.raises(ValueError, match="last packet"):
        ogg_opus(packets, 960, 312, 99 * 960, "test")
    with pytest.raises(ValueError, match="at least one"):
        ogg_opus([], 960, 312, 312, "test")
    with pytest.raises(ValueError, match="does not fit"):
        ogg_opus([b"x" * 255 * 255], 960, 0, 960, "test")
