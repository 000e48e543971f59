"""The JSON API over the real core, through httpx (ASGI transport, no network)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot.mood_chart import EMOTION_COLOURS, SIZE_PX
from handlers.web.session import COOKIE

HAPPY = "I got the job today, I'm so happy and excited!"


def events_of(response: httpx.Response, kind: str) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [e for e in response.json()["events"] if e["type"] == kind]


async def chat(client: httpx.AsyncClient, text: str = HAPPY) -> list[dict[str, Any]]:
    response = await client.post("/api/messages", json={"text": text})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


async def test_message_gets_emotion_reply_and_five_tracks(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/messages", json={"text": HAPPY})
    assert COOKIE in response.cookies
    (emotion,) = events_of(response, "emotion")
    assert emotion["label"] in emotion["scores"]
    assert abs(sum(emotion["scores"].values()) - 1.0) < 1e-3
    replies = events_of(response, "reply")
    assert any(r["kind"] == "reply" and r["text"].strip() for r in replies)
    (tracks,) = events_of(response, "tracks")
    assert len(tracks["tracks"]) == 5
    assert {"id", "title", "artist", "reason", "has_audio"} <= set(tracks["tracks"][0])


async def test_play_serves_seekable_audio(client: httpx.AsyncClient) -> None:
    (tracks,) = [e for e in await chat(client) if e["type"] == "tracks"]
    track = next(t for t in tracks["tracks"] if t["has_audio"])
    (clip,) = events_of(await client.post("/api/tracks/play", json={"track_id": track["id"]}), "audio")
    assert clip["mime"] == "audio/mpeg" and clip["duration_s"] > 0
    whole = await client.get(clip["url"])
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["accept-ranges"] == "bytes"
    size = len(whole.content)
    assert size > 1000
    part = await client.get(clip["url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.content == whole.content[100:200]
    tail = await client.get(clip["url"], headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    past = await client.get(clip["url"], headers={"Range": f"bytes={size}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"
    head = await client.head(clip["url"])
    assert head.status_code == 200 and head.headers["content-length"] == str(size)


async def test_similar_and_feedback(client: httpx.AsyncClient) -> None:
    (tracks,) = [e for e in await chat(client) if e["type"] == "tracks"]
    first = tracks["tracks"][0]
    (similar,) = events_of(await client.post("/api/tracks/similar", json={"track_id": first["id"]}), "tracks")
    assert similar["kind"] == "similar" and similar["source_id"] == first["id"]
    assert len(similar["tracks"]) == 5
    (liked,) = events_of(
        await client.post("/api/tracks/feedback", json={"track_id": first["id"], "liked": True}), "reply"
    )
    assert liked["kind"] == "info" and first["title"] in liked["text"]


async def test_tracks_not_offered_are_refused(client: httpx.AsyncClient) -> None:
    for path, body in (
        ("/api/tracks/play", {"track_id": "not-offered"}),
        ("/api/tracks/similar", {"track_id": "not-offered"}),
        ("/api/tracks/feedback", {"track_id": "not-offered", "liked": False}),
    ):
        (reply,) = events_of(await client.post(path, json=body), "reply")
        assert reply["kind"] == "error" and "suggested" in reply["text"]


async def test_users_never_see_each_others_audio_or_history(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    (tracks,) = [e for e in await chat(client) if e["type"] == "tracks"]
    track = next(t for t in tracks["tracks"] if t["has_audio"])
    (clip,) = events_of(await client.post("/api/tracks/play", json={"track_id": track["id"]}), "audio")
    assert (await client.get(clip["url"])).status_code == 200
    assert (await other_client.get(clip["url"])).status_code == 404
    (mine,) = events_of(await client.get("/api/mood"), "mood_chart")
    (theirs,) = events_of(await other_client.get("/api/mood"), "reply")
    assert sum(mine["counts"].values()) == 1
    assert theirs["text"].startswith("No moods yet")
    assert (await client.get(mine["url"])).status_code == 200
    assert (await other_client.get(mine["url"])).status_code == 404
    # the other user can't use the first user's suggestions either
    refused_response = await other_client.post("/api/tracks/play", json={"track_id": track["id"]})
    (refused,) = events_of(refused_response, "reply")
    assert refused["kind"] == "error"


async def test_mood_chart_is_a_png_the_page_loads(client: httpx.AsyncClient) -> None:
    await chat(client)
    await chat(client, "my dog died and I can't stop crying")
    (week,) = events_of(await client.get("/api/mood"), "mood_chart")
    assert week["period"] == "week" and sum(week["counts"].values()) == 2 and week["caption"]
    assert (week["width"], week["height"]) == SIZE_PX and week["url"].startswith("/api/charts/")
    png = await client.get(week["url"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and len(png.content) <= 200_000
    assert (await client.get(week["url"].replace("charts", "audio"))).status_code == 404  # not audio
    query = {"period": "month", "timezone": "Asia/Seoul"}
    (month,) = events_of(await client.get("/api/mood", params=query), "mood_chart")
    assert month["period"] == "month" and month["counts"] == week["counts"]
    (odd,) = events_of(await client.get("/api/mood", params={"timezone": "Mars/Olympus_Mons"}), "mood_chart")
    assert odd["counts"] == week["counts"]  # an unknown zone: the server's
    (error,) = events_of(await client.get("/api/mood", params={"period": "year"}), "reply")
    assert error["kind"] == "error" and "/mood month" in error["text"]
    assert (await client.get("/api/charts/unknown")).status_code == 404


async def test_forged_cookie_gets_a_fresh_session(client: httpx.AsyncClient) -> None:
    await chat(client)
    real = client.cookies[COOKIE]
    user_id = real.partition(".")[0]
    client.cookies.set(COOKIE, f"{user_id}.forged-signature")
    response = await client.get("/api/mood")
    (reply,) = events_of(response, "reply")
    assert reply["text"].startswith("No moods yet")
    assert response.cookies[COOKIE] != real


async def test_voice_mode_sends_a_playable_voice_note(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/settings")).json() == {"reply_mode": "auto", "lang": "auto"}
    (ok,) = events_of(await client.put("/api/settings", json={"reply_mode": "both"}), "reply")
    assert ok["kind"] == "info"
    assert (await client.get("/api/settings")).json()["reply_mode"] == "both"
    events = await chat(client)
    (voice,) = [e for e in events if e["type"] == "voice"]
    assert voice["mime"] == "audio/ogg" and voice["duration_s"] > 0 and voice["text"]
    note = await client.get(voice["url"])
    assert note.headers["content-type"] == "audio/ogg"
    assert note.content.startswith(b"OggS")


async def test_bad_settings_values_get_the_cores_answer(client: httpx.AsyncClient) -> None:
    (err,) = events_of(await client.put("/api/settings", json={"reply_mode": "loud"}), "reply")
    assert err["kind"] == "error" and "/voice" in err["text"]
    assert (await client.get("/api/settings")).json()["reply_mode"] == "auto"


async def test_commands_and_compose(client: httpx.AsyncClient) -> None:
    (help_reply,) = events_of(await client.get("/api/help"), "reply")
    assert "/compose" in help_reply["text"]
    (unknown,) = [e for e in await chat(client, "/nonsense") if e["type"] == "reply"]
    assert unknown["kind"] == "error"
    response = await client.post("/api/compose", json={"emotion": "joy"})
    events = response.json()["events"]
    assert response.status_code == 200 and events
    for event in events:
        if event["type"] == "audio":
            melody = await client.get(event["url"])
            assert melody.status_code == 200 and melody.headers["content-type"] == event["mime"]
        else:
            assert event["type"] == "reply" and event["kind"] == "error"
    (bad_mood,) = events_of(await client.post("/api/recommend", json={"emotion": "grumpy"}), "reply")
    assert bad_mood["kind"] == "error" and "joy" in bad_mood["text"]
    (recommended,) = events_of(await client.post("/api/recommend", json={}), "tracks")
    assert len(recommended["tracks"]) == 5


async def test_malformed_requests_get_4xx(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/messages", content=b"{not json")).status_code == 422
    assert (await client.post("/api/messages", json={"text": 5})).status_code == 422
    assert (await client.post("/api/messages", json={"text": "hi", "extra": 1})).status_code == 422
    assert (await client.post("/api/messages", json={"text": "a" * 20_000})).status_code == 422
    big = await client.post("/api/messages", json={"text": "a" * 300_000})
    assert big.status_code == 413
    assert (await client.get("/api/audio/" + "x" * 65)).status_code == 422
    assert (await client.get("/api/audio/unknown")).status_code == 404
    (empty,) = events_of(await client.post("/api/messages", json={"text": "   "}), "reply")
    assert empty["kind"] == "error"


async def test_page_and_schema_are_served_offline(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/app.css"):
        response = await client.get(asset)
        assert response.status_code == 200 and asset in page.text
        assert "http://" not in response.text and "https://" not in response.text  # no CDN
    assert "https://" not in page.text and "http://" not in page.text
    schema = (await client.get("/api/openapi.json")).json()
    assert {
        "/api/messages",
        "/api/voice",
        "/api/tracks/similar",
        "/api/tracks/play",
        "/api/tracks/feedback",
        "/api/settings",
        "/api/mood",
        "/api/compose",
        "/api/recommend",
        "/api/audio/{audio_id}",
        "/api/charts/{chart_id}",
    } <= set(schema["paths"])
    assert (await client.get("/docs")).status_code == 404  # Swagger UI would need a CDN


async def test_page_uses_the_charts_emotion_colours(client: httpx.AsyncClient) -> None:
    css = (await client.get("/static/app.css")).text
    declared = {m[1]: m[2].upper() for m in re.finditer(r"--emotion-(\w+):\s*(#[0-9A-Fa-f]{6})", css)}
    assert declared == {emotion: colour.upper() for emotion, colour in EMOTION_COLOURS.items()}


async def test_a_recording_is_heard_and_answered_with_a_voice_note(
    client: httpx.AsyncClient, speak: Any
) -> None:
    response = await client.post(
        "/api/voice", content=speak("I feel calm after a long walk"), headers={"Content-Type": "audio/ogg"}
    )
    assert response.status_code == 200
    events = response.json()["events"]
    assert events[0]["type"] == "heard" and "walk" in events[0]["text"].lower()
    assert events[0]["lang"] == "en" and 0 < events[0]["confidence"] <= 1
    assert [e["type"] for e in events].count("voice") == 1  # auto: spoke, so a voice note
    assert not [e for e in events if e["type"] == "reply" and e["kind"] == "reply"]


async def test_bad_recordings_get_short_answers(client: httpx.AsyncClient) -> None:
    (err,) = events_of(
        await client.post("/api/voice", content=b"", headers={"Content-Type": "audio/webm"}), "reply"
    )
    assert err["kind"] == "error" and "couldn't play that recording" in err["text"]
    big = await client.post(
        "/api/voice", content=bytes(21 * 1024 * 1024), headers={"Content-Type": "audio/webm"}
    )
    assert big.status_code == 413
