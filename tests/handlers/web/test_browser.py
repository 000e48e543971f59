"""End to end in headless Chromium (Debian's ``chromium``, driven by Playwright): a conversation as a
person sees it, at phone and desktop widths, in light and dark themes.

The tests look: bubbles on the right sides with time stamps, an emotion chip in the emotion's
colour, five track cards on screen, ▶ playing in the page's player, 👍 sticking, the "My moods"
chart loaded, no sideways scrolling on a phone. Screenshots go to ``test-artifacts/web/``
(``HAPPYTALK_TEST_ARTIFACTS`` moves it). Also checked: the page is interactive within 1 s,
keyboard-only use works, and axe-core (``npm ci --prefix tests/handlers/web``) finds no
violations in either theme. Locally the tests skip when Chromium (or axe-core) is missing; under
CI they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.mood_chart import EMOTION_COLOURS, SIZE_PX
from handlers.web import WebAdapter

CHROMIUM = shutil.which("chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ROOT = Path(__file__).parents[3]
ARTIFACTS = Path(os.environ.get("HAPPYTALK_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "web"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 60_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
HAPPY = "I got the job today, I'm so happy!"
OpenPage = Callable[..., Awaitable[Any]]


def require(present: bool, why: str) -> None:
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"{why} (CI must install it; see the module docstring)")
        pytest.skip(why)


@pytest.fixture
async def open_page(tmp_path: Path) -> AsyncIterator[OpenPage]:
    """``await open_page(viewport, color_scheme)``: a fresh browser profile (its own session cookie)."""
    require(CHROMIUM is not None, "chromium is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        contexts: list[Any] = []

        async def factory(
            viewport: dict[str, int] = DESKTOP, color_scheme: str = "light", extra_args: tuple[str, ...] = ()
        ) -> Any:
            context = await pw.chromium.launch_persistent_context(
                str(tmp_path / f"profile-{len(contexts)}"),
                executable_path=CHROMIUM,
                args=[*ARGS, *extra_args],
                headless=True,
                viewport=viewport,
                color_scheme=color_scheme,
                is_mobile=viewport["width"] <= 420,
                has_touch=viewport["width"] <= 420,
            )
            contexts.append(context)
            return context.pages[0] if context.pages else await context.new_page()

        try:
            yield factory
        finally:
            for context in contexts:
                await context.close()


def watch_errors(page: Any) -> list[str]:
    """Uncaught exceptions and console errors (a CSP refusal, a failed load) the page reports."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


async def ready(page: Any, server: WebAdapter) -> None:
    await page.goto(server.url + "/")
    await page.wait_for_selector("body[data-ready=true]", timeout=10_000)


async def chat(page: Any, text: str) -> None:
    """Send ``text`` and wait for the five cards of the answer."""
    before = await page.locator(".tracks-msg").count()
    await page.fill("#message", text)
    await page.press("#message", "Enter")
    await page.wait_for_function(
        "(n) => document.querySelectorAll('.tracks-msg').length > n", arg=before, timeout=WAIT_MS
    )
    await page.locator(".tracks-msg").nth(before).locator(".card").nth(4).wait_for(timeout=WAIT_MS)


async def box(locator: Any) -> dict[str, float]:
    found: dict[str, float] | None = await locator.bounding_box()
    assert found is not None, "not rendered"
    return found


async def open_moods(page: Any) -> None:
    """Open "My moods" and wait until the chart image has loaded."""
    await page.click("#mood-btn")
    await page.wait_for_function(
        "() => { const img = document.getElementById('mood-chart');"
        " return !document.getElementById('mood-figure').hidden && img.complete && img.naturalWidth > 0; }",
        timeout=WAIT_MS,
    )


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def artefact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [("phone", PHONE, "light"), ("desktop", DESKTOP, "light"), ("desktop-dark", DESKTOP, "dark")],
)
async def test_a_conversation_looks_right(
    server: WebAdapter, open_page: OpenPage, name: str, viewport: dict[str, int], scheme: str
) -> None:
    page = await open_page(viewport, scheme)
    errors = watch_errors(page)
    await ready(page, server)
    await page.evaluate(
        """() => new MutationObserver(() => {
            if (!document.getElementById('typing').hidden) window.typingSeen = true;
        }).observe(document.getElementById('typing'), { attributes: true })"""
    )
    await chat(page, HAPPY)

    # bubbles: mine on the right, the bot's on the left, each with a time stamp
    log, mine = await box(page.locator("#log")), await box(page.locator(".row.me .msg").first)
    theirs = await box(page.locator(".row.bot .msg.reply").first)
    assert log["x"] + log["width"] - (mine["x"] + mine["width"]) < 24
    assert theirs["x"] - log["x"] < 64 and theirs["x"] < mine["x"]
    assert await page.locator(".row.me time").count() == 1
    assert await page.locator(".row.bot time").count() >= 2
    assert (await page.locator(".row.me time").text_content() or "")[:1].isdigit()
    # the emotion chip, its dot in the emotion's colour
    chip = page.locator(".row.me .chip")
    assert await chip.is_visible()
    label = await chip.get_attribute("data-emotion")
    assert label in EMOTION_COLOURS and label in (await chip.text_content() or "")
    dot = await chip.evaluate("(c) => getComputedStyle(c, '::before').backgroundColor")
    assert dot == rgb(EMOTION_COLOURS[label])
    # "typing…" showed while the bot worked, and went away
    assert await page.evaluate("() => window.typingSeen === true")
    assert await page.locator("#typing").is_hidden()
    # five cards, all on screen horizontally
    cards = page.locator(".tracks-msg .card")
    assert await cards.count() == 5
    for n in range(5):
        card = cards.nth(n)
        await card.scroll_into_view_if_needed()
        assert await card.is_visible()
        where = await box(card)
        assert where["x"] >= 0 and where["x"] + where["width"] <= viewport["width"]

    # ▶ on a card plays it in the page's player; the card shows it
    first = cards.first
    await first.locator("button.play").click()
    await page.wait_for_function(
        "() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > 0.2; }",
        timeout=WAIT_MS,
    )
    assert "playing" in (await first.get_attribute("class") or "")
    assert (await first.locator("button.play").text_content() or "").startswith("❚❚Pause")
    assert await page.get_attribute("#playlist li:nth-child(1)", "aria-current") == "true"
    # 👍 on another card sticks and the bot says so
    like = cards.nth(1).locator("button", has_text="👍")
    await like.click()
    await page.wait_for_function(
        "(b) => b.getAttribute('aria-pressed') === 'true'", arg=await like.element_handle(), timeout=WAIT_MS
    )
    await page.wait_for_selector(".msg.bot.info >> text=👍 Noted", timeout=WAIT_MS)

    # "My moods": the chart loads, with a caption and alt text; the month view too
    await open_moods(page)
    img = page.locator("#mood-chart")
    assert await img.evaluate("(i) => [i.naturalWidth, i.naturalHeight]") == list(SIZE_PX)
    assert (await box(img))["width"] > 200
    assert "Chart of your moods" in (await img.get_attribute("alt") or "")
    assert "week" in (await page.text_content("#mood-caption") or "")
    await page.click(".segmented button[data-period=month]")
    await page.wait_for_function(
        "() => document.getElementById('mood-caption').textContent.includes('month')", timeout=WAIT_MS
    )
    assert await page.get_attribute(".segmented button[data-period=month]", "aria-pressed") == "true"

    # nothing sideways: the page is as wide as the screen
    overflow = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"horizontal scrolling at {viewport['width']} px: {overflow}"

    if name == "phone":  # the conversation from its start, then the player and the chart below it
        await page.evaluate("() => { document.getElementById('log').scrollTop = 0; window.scrollTo(0, 0); }")
        await page.screenshot(path=str(artefact("web-phone-chat.png")))
        await page.locator("#moods").scroll_into_view_if_needed()
    await page.screenshot(path=str(artefact(f"web-{name}.png")), full_page=name == "phone")
    print(f"screenshots: {ARTIFACTS}/web-{name}*.png")
    assert artefact(f"web-{name}.png").stat().st_size > 10_000
    assert errors == []


async def test_typed_mood_command_shows_the_chart_in_the_conversation(
    server: WebAdapter, open_page: OpenPage
) -> None:
    page = await open_page(PHONE)
    errors = watch_errors(page)
    await ready(page, server)
    await page.fill("#message", "/mood")
    await page.press("#message", "Enter")
    await page.wait_for_selector(".msg.bot.info >> text=No moods yet this week", timeout=WAIT_MS)
    await chat(page, "오늘 정말 행복한 하루였어")
    await page.fill("#message", "/mood")
    await page.press("#message", "Enter")
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.log .chart img')].some(i => i.complete && i.naturalWidth > 0)",
        timeout=WAIT_MS,
    )
    caption = await page.text_content(".log .chart figcaption") or ""
    assert caption.startswith("이번 주")  # the language the user writes in
    overflow = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1]
    assert errors == []


async def test_keyboard_only_chat_play_next_seek_and_voice(server: WebAdapter, open_page: OpenPage) -> None:
    page = await open_page(DESKTOP)
    errors = watch_errors(page)
    await ready(page, server)
    ready_ms = await page.evaluate("() => performance.getEntriesByName('happytalk-ready')[0].startTime")
    print(f"page load to interactive: {ready_ms:.0f} ms")
    assert ready_ms <= 1000

    # the skip link leads to the message box
    await page.keyboard.press("Tab")
    assert await page.evaluate("() => document.activeElement.className") == "skip"
    await page.keyboard.press("Enter")
    assert await page.evaluate("() => document.activeElement.id") == "message"
    await page.keyboard.type("I got the job today, I'm so happy!")
    await page.keyboard.press("Enter")
    await page.wait_for_selector(".tracks-msg .card:nth-child(5)", timeout=WAIT_MS)
    assert await page.locator("#playlist li").count() == 5

    await page.focus("#play-btn")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > 0.3; }",
        timeout=WAIT_MS,
    )
    first = await page.text_content("#now-playing")
    t1 = await page.evaluate("() => document.getElementById('audio').currentTime")
    await page.wait_for_timeout(600)
    assert await page.evaluate("() => document.getElementById('audio').currentTime") > t1  # it advances
    await page.focus("#next-btn")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "(before) => document.getElementById('now-playing').textContent !== before "
        "&& !document.getElementById('now-playing').textContent.startsWith('Loading')",
        arg=first,
        timeout=WAIT_MS,
    )
    await page.wait_for_function(
        "() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > 0.2; }",
        timeout=WAIT_MS,
    )
    assert await page.get_attribute("#playlist li:nth-child(2)", "aria-current") == "true"
    assert "playing" in (await page.locator(".card").nth(1).get_attribute("class") or "")
    # seek (needs the server's range support) and volume
    seeked = await page.evaluate(
        """() => new Promise((resolve) => {
            const audio = document.getElementById('audio');
            const seek = document.getElementById('seek');
            audio.addEventListener('seeked', () => resolve(audio.currentTime), { once: true });
            seek.value = String(Math.min(2, audio.duration - 0.5));
            seek.dispatchEvent(new Event('change'));
        })"""
    )
    assert seeked >= 1.4
    await page.focus("#volume")
    await page.keyboard.press("Home")
    assert await page.evaluate("() => document.getElementById('audio').volume") == 0

    # "more like this" from a card, with the keyboard
    await page.locator(".card").first.locator("button", has_text="More like this").focus()
    await page.keyboard.press("Enter")
    await page.locator(".tracks-msg").nth(1).wait_for(timeout=WAIT_MS)
    assert "like" in (await page.locator(".tracks-msg .tracks-heading").nth(1).text_content() or "")

    # voice replies: toggle with the keyboard, then the spoken reply plays inline
    await page.focus("#voice-toggle")
    await page.keyboard.press("Space")
    await page.wait_for_selector("text=I'll answer in text and with a voice note.", timeout=WAIT_MS)
    await page.focus("#message")
    await page.keyboard.type("I'm a bit nervous about tomorrow")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.msg audio')].some(a => a.currentTime > 0.1)",
        timeout=WAIT_MS,
    )
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_page_has_no_accessibility_violations(
    server: WebAdapter, open_page: OpenPage, scheme: str
) -> None:
    require(AXE.is_file(), "axe-core is not installed (npm ci --prefix tests/handlers/web)")
    page = await open_page(DESKTOP, scheme)
    await ready(page, server)
    await chat(page, "What a lovely sunny day!")
    await page.locator(".card").first.locator("button", has_text="👍").click()
    await page.wait_for_selector(".msg.bot.info >> text=👍 Noted", timeout=WAIT_MS)
    await open_moods(page)
    await page.evaluate(AXE.read_text(encoding="utf-8"))  # CDP evaluation is not bound by the page's CSP
    result = await page.evaluate("async () => await axe.run(document)")
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]
    print(f"axe-core ({scheme}): {len(result['passes'])} rules pass, {len(result['violations'])} violations")
    assert found == []


async def test_the_microphone_records_and_the_bot_answers_what_it_heard(
    server: WebAdapter, open_page: OpenPage, speak: Any, tmp_path: Path
) -> None:
    """Chromium's fake microphone plays a spoken WAV; 🎙 records it (MediaRecorder, WebM/Opus), 🎙 again
    sends it: the bubble shows what was heard and the answer comes as a voice note (reply mode auto)."""
    import numpy as np
    import soundfile as sf

    from ml.stt.audio import decode

    samples = decode(speak("I am so happy today"), max_seconds=30, max_mb=5)
    wav = tmp_path / "mic.wav"
    sf.write(wav, np.concatenate([samples, np.zeros(16_000 * 20, np.float32)]), 16_000, subtype="PCM_16")
    mic = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    )
    page = await open_page(DESKTOP, "light", mic)
    errors = watch_errors(page)
    await ready(page, server)
    await page.click("#mic-btn")
    await page.wait_for_function(
        "() => document.getElementById('mic-btn').getAttribute('aria-pressed') === 'true'"
    )
    await page.wait_for_timeout(samples.size / 16 + 800)  # the sentence, then a little silence
    await page.click("#mic-btn")
    await page.wait_for_selector(".row.me .msg .text >> text=/🎙 .*happy/i", timeout=WAIT_MS)
    await page.locator(".row.bot audio").first.wait_for(timeout=WAIT_MS)
    await page.locator(".tracks-msg .card").nth(4).wait_for(timeout=WAIT_MS)
    assert await page.locator(".row.me .chip").count() == 1  # the heard words got their emotion chip
    assert await page.get_attribute("#mic-btn", "aria-pressed") == "false"
    await page.screenshot(path=str(artefact("microphone.png")))
    assert not [e for e in errors if "play()" not in e], errors
