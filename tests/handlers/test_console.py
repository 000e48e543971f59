"""The console adapter over the real core: human and JSON output, voice notes saved, /quit."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from bot.core import DialogueCore
from handlers.console import ConsoleAdapter


async def _run(core: DialogueCore, lines: list[str], out_dir: Path, json_mode: bool = False) -> str:
    stdout = io.StringIO()
    console = ConsoleAdapter(
        core, out_dir, json_mode=json_mode, stdin=io.StringIO("".join(f"{x}\n" for x in lines)), stdout=stdout
    )
    await asyncio.wait_for(console.serve(asyncio.Event()), 120)
    return stdout.getvalue()


def _saved(out_dir: Path) -> tuple[list[Path], bytes, bool]:
    """The voice notes saved, the first one's bytes, and whether a partial file was left."""
    notes = sorted(out_dir.glob("voice-*.ogg"))
    return notes, notes[0].read_bytes() if notes else b"", any(out_dir.glob("*.part"))


async def test_chat_pick_voice_and_quit(core: DialogueCore, tmp_path: Path) -> None:
    lines = [
        "I miss my dad so much",
        "/pick 1",
        "/voice voice",
        "My dog is sick and I'm worried",
        "/quit",
        "unread",
    ]
    out = await _run(core, lines, tmp_path)
    assert "  [sadness" in out and "bot> " in out
    assert "Five tracks for your sadness:" in out and "Five tracks like" in out
    notes, ogg, partial = await asyncio.to_thread(_saved, tmp_path)
    assert len(notes) == 1 and f"🔊 voice note: {notes[0].resolve()}" in out
    assert ogg.startswith(b"OggS") and b"OpusHead" in ogg[:200] and len(ogg) < 1_000_000
    assert (
        sum(line.startswith("  [") for line in out.splitlines()) == 2 and not partial
    )  # two chats classified; nothing read after /quit


async def test_json_mode_prints_one_object_per_line(core: DialogueCore, tmp_path: Path) -> None:
    out = await _run(core, ["I passed my driving test!", "", "/nonsense", "/exit", "unread"], tmp_path, True)
    first, unknown = (json.loads(line) for line in out.splitlines())
    assert first["reply"] and first["error"] is None and len(first["tracks"]) == 5
    assert set(first["emotion"]["scores"]) == {
        "anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"
    }  # fmt: skip
    assert abs(sum(first["emotion"]["scores"].values()) - 1) < 1e-3
    assert unknown["error"] and "/help" in unknown["error"] and unknown["tracks"] == []


async def test_mood_saves_the_chart_and_prints_its_path(core: DialogueCore, tmp_path: Path) -> None:
    out = await _run(core, ["I got the job today, I'm so happy!", "/mood"], tmp_path)
    (chart,) = await asyncio.to_thread(lambda: sorted(tmp_path.glob("mood-*.png")))
    assert f"📊 mood chart: {chart.resolve()}" in out and "week" in out
    assert (await asyncio.to_thread(chart.read_bytes)).startswith(b"\x89PNG")

    lines = await _run(core, ["/mood month", "/mood year"], tmp_path / "json", json_mode=True)
    month, unknown = (json.loads(line) for line in lines.splitlines())
    assert month["chart"].endswith(".png") and "month" in month["reply"]
    assert await asyncio.to_thread(Path(month["chart"]).is_file)
    assert month["error"] is None and month["tracks"] == []
    assert unknown["chart"] is None and "/mood week" in unknown["error"]
