"""Signed session cookies and the per-owner media store."""

from __future__ import annotations

from handlers.web.media_store import MediaStore
from handlers.web.session import Sessions


def test_issued_cookie_verifies_and_forgeries_do_not() -> None:
    sessions = Sessions(b"k" * 32)
    user, cookie = sessions.new()
    assert user.platform == "web"
    assert sessions.verify(cookie) == user
    user_id, _, sig = cookie.partition(".")
    assert sessions.verify(f"someone-else.{sig}") is None
    assert sessions.verify(f"{user_id}.{sig[:-1]}A" if sig[-1] != "A" else f"{user_id}.{sig[:-1]}B") is None
    assert sessions.verify(user_id) is None
    assert sessions.verify("") is None
    assert sessions.verify(None) is None
    assert sessions.verify("é." + sig) is None
    assert Sessions(b"other-key" * 4).verify(cookie) is None
    assert "k" * 32 not in repr(sessions)


def test_new_sessions_are_distinct() -> None:
    sessions = Sessions(b"k" * 32)
    assert len({sessions.new()[0].user_id for _ in range(100)}) == 100


def test_media_is_visible_to_its_owner_only() -> None:
    store = MediaStore()
    audio_id = store.put("web:a", b"OggS...", "audio/ogg", "voice.ogg")
    item = store.get("web:a", audio_id)
    assert item is not None and item.data == b"OggS..." and item.mime == "audio/ogg"
    assert store.get("web:b", audio_id) is None
    assert store.get("web:a", "no-such-id") is None


def test_media_store_evicts_oldest_beyond_its_cap() -> None:
    store = MediaStore(max_bytes=250)
    first = store.put("web:a", b"x" * 100, "audio/mpeg", "a.mp3")
    second = store.put("web:a", b"y" * 100, "audio/mpeg", "b.mp3")
    assert store.get("web:a", first) is not None  # touching it makes `second` the oldest
    third = store.put("web:a", b"z" * 100, "audio/mpeg", "c.mp3")
    assert store.get("web:a", second) is None
    assert store.get("web:a", first) is not None and store.get("web:a", third) is not None
    assert store.size == 200
