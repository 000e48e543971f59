"""A minimal Ogg muxer for one mono Opus stream (RFC 7845 headers, RFC 3533 pages).

:func:`ogg_opus` turns Opus packets into a complete ``.ogg`` file: an ``OpusHead`` page (BOS),
an ``OpusTags`` page, then audio pages of at most one second whose granule positions count
48 kHz samples; the last page carries the end-of-stream flag and the end-trimmed granule.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

OGG_RATE = 48_000
"""Granule positions of Ogg Opus always count samples at 48 kHz."""
MAX_SEGMENTS = 255
"""Lacing values per page (one byte counts them)."""
PACKETS_PER_PAGE = 50
"""At most one second of 20 ms packets per page, so players can seek."""
DEFAULT_SERIAL = 0x68617070
"""Stream serial number; one logical stream per file, so a constant keeps output reproducible."""

_BOS, _EOS = 0x02, 0x04
_PAGE_HEADER = struct.Struct("<4sBBqIIIB")
_REVERSED_BITS = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, MSB first, initial value 0, no final XOR.

    It is the bit mirror of zlib's reflected CRC-32 (run with register 0 and no final XOR)
    over bit-mirrored bytes, so the work stays in C.
    """
    reflected = zlib.crc32(data.translate(_REVERSED_BITS), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{reflected:032b}"[::-1], 2)


def lacing(size: int) -> bytes:
    """The lacing values of one packet of ``size`` bytes (a final value below 255 ends it)."""
    return b"\xff" * (size // 255) + bytes([size % 255])


def page(body_packets: Sequence[bytes], granule: int, serial: int, sequence: int, flags: int) -> bytes:
    """One Ogg page holding whole ``body_packets``, with its CRC filled in."""
    segments = b"".join(lacing(len(p)) for p in body_packets)
    if len(segments) > MAX_SEGMENTS:
        raise ValueError(f"{len(segments)} lacing values do not fit one page")
    header = _PAGE_HEADER.pack(b"OggS", 0, flags, granule, serial, sequence, 0, len(segments))
    raw = header + segments + b"".join(body_packets)
    crc = ogg_crc(raw)
    return raw[:22] + struct.pack("<I", crc) + raw[26:]


def opus_head(pre_skip: int, input_rate: int = OGG_RATE, channels: int = 1) -> bytes:
    """The ``OpusHead`` packet: version 1, ``pre_skip`` at 48 kHz, gain 0, mapping family 0.

    ``input_rate`` is informational for players, but libsndfile decodes at it (and at
    8 kHz when it is 0), so voice notes always say 48 kHz.
    """
    return b"OpusHead" + struct.pack("<BBHIhB", 1, channels, pre_skip, input_rate, 0, 0)


def opus_tags(vendor: str) -> bytes:
    """The ``OpusTags`` packet: ``vendor`` and no user comments."""
    encoded = vendor.encode()
    return b"OpusTags" + struct.pack("<I", len(encoded)) + encoded + struct.pack("<I", 0)


def ogg_opus(
    packets: Sequence[bytes],
    packet_samples: int,
    pre_skip: int,
    end_granule: int,
    vendor: str,
    input_rate: int = OGG_RATE,
    serial: int = DEFAULT_SERIAL,
) -> bytes:
    """A complete Ogg Opus file of mono ``packets``, each ``packet_samples`` long at 48 kHz.

    ``end_granule`` (pre-skip plus the real length at 48 kHz) goes on the last page so
    decoders drop the encoder's padding; it must fall inside the last packet.
    """
    if not packets:
        raise ValueError("an Ogg Opus stream needs at least one audio packet")
    total = len(packets) * packet_samples  # decoded samples, pre-skip included
    if not total - packet_samples < end_granule <= total:
        raise ValueError(f"end granule {end_granule} is not inside the last packet")
    out = [
        page([opus_head(pre_skip, input_rate)], 0, serial, 0, _BOS),
        page([opus_tags(vendor)], 0, serial, 1, 0),
    ]
    batch: list[bytes] = []
    segments = 0
    done = 0  # packets on pages already written
    for index, packet in enumerate(packets):
        need = len(packet) // 255 + 1
        if batch and (segments + need > MAX_SEGMENTS or len(batch) == PACKETS_PER_PAGE):
            done += len(batch)
            out.append(page(batch, done * packet_samples, serial, len(out), 0))
            batch, segments = [], 0
        if need > MAX_SEGMENTS:
            raise ValueError(f"packet {index} of {len(packet)} bytes does not fit one page")
        batch.append(packet)
        segments += need
    out.append(page(batch, end_granule, serial, len(out), _EOS))
    return b"".join(out)
