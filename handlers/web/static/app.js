// happytalk web chat: one WebSocket for every operation, messenger-style bubbles, track cards with a
// player, and a "My moods" chart panel. No dependencies.
"use strict";

const $ = (id) => document.getElementById(id);
const log = $("log");
const audio = $("audio");
const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
const WORKING_OPS = new Set(["message", "similar", "recommend", "compose"]); // show "typing…" for these
const state = {
  ws: null,
  nextId: 1,
  pending: new Map(), // request id -> {op, resolve}
  queue: [], // frames waiting for the socket to open
  working: 0, // requests the typing indicator waits for
  playlist: [], // tracks of the latest suggestions
  current: -1,
  clipUrls: new Map(), // track id -> audio URL (this session)
  lastReply: null,
  moodPeriod: "week",
  recorder: null, // the MediaRecorder while the microphone records
};
const MAX_RECORDING_MS = 120_000; // the server's voice-note limit (speech.stt_max_seconds)

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && key !== "ariaLabel") node[key] = value;
    else node.setAttribute(key === "ariaLabel" ? "aria-label" : key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// Context for screen readers, e.g. which track a "Like" button is about.
function hidden(text) {
  return el("span", { class: "visually-hidden" }, text);
}

function status(text) {
  $("status").textContent = text;
}

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

function stamp() {
  const now = new Date();
  const shown = now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return el("time", { dateTime: now.toISOString() }, shown);
}

// One row of the conversation: the user's on the right, the bot's on the left with its avatar.
function row(who, msg) {
  const line = el("div", { class: `row ${who}` });
  if (who === "bot") line.append(el("span", { class: "avatar", "aria-hidden": "true" }, "♪"));
  line.append(msg);
  log.append(line);
  scrollDown();
  return msg;
}

function bubble(who, text, kind = "reply") {
  const msg = el("div", { class: `msg ${who} ${kind}` }, el("span", { class: "text" }, text));
  msg.append(el("div", { class: "meta" }, stamp()));
  return row(who, msg);
}

function setWorking(delta) {
  state.working += delta;
  $("typing").hidden = state.working <= 0;
  if (state.working > 0) scrollDown();
}

// ------------------------------------------------------------------ transport
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/api/ws`);
  state.ws = ws;
  ws.addEventListener("open", () => {
    status("Connected.");
    for (const frame of state.queue.splice(0)) ws.send(frame);
    if (document.body.dataset.ready === undefined) performance.mark("happytalk-ready");
    document.body.dataset.ready = "true";
  });
  ws.addEventListener("message", (e) => receive(JSON.parse(e.data)));
  ws.addEventListener("close", () => {
    document.body.dataset.ready = "false";
    for (const [, req] of state.pending) req.resolve({ events: [], error: "connection lost" });
    state.pending.clear();
    status("Connection lost — reconnecting…");
    setTimeout(connect, 1000);
  });
}

function request(op, args = {}) {
  const id = String(state.nextId++);
  const frame = JSON.stringify({ id, op, ...args });
  const working = WORKING_OPS.has(op);
  if (working) setWorking(1);
  return new Promise((resolve) => {
    const done = (answer) => {
      if (working) setWorking(-1);
      resolve(answer);
    };
    state.pending.set(id, { op, resolve: done });
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(frame);
    else state.queue.push(frame);
  });
}

function receive(answer) {
  const req = state.pending.get(answer.id);
  if (!req) return;
  state.pending.delete(answer.id);
  if (answer.error) bubble("bot", answer.error, "error");
  req.resolve(answer);
}

// ------------------------------------------------------------------ rendering
function showEvents(events, origin) {
  for (const event of events) {
    switch (event.type) {
      case "emotion":
        showEmotion(event, origin.bubble);
        break;
      case "reply":
        state.lastReply = bubble("bot", event.text, event.kind);
        break;
      case "heard":
        if (origin.bubble) origin.bubble.querySelector(".text").textContent = `🎙 ${event.text}`;
        break;
      case "voice":
        showVoice(event, origin.op === "voice" || (origin.op === "message" && $("voice-toggle").checked));
        break;
      case "tracks":
        showTracks(event);
        break;
      case "audio":
        showAudio(event);
        break;
      case "mood_chart":
        showChart(event);
        break;
      default:
        break;
    }
  }
}

function showEmotion(event, userBubble) {
  if (!userBubble) return;
  const score = event.scores[event.label] ?? 0;
  const top = Object.entries(event.scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
    .join(", ");
  const chip = el(
    "span",
    { class: "chip emotion", "data-emotion": event.label, title: top },
    hidden("mood: "),
    `${event.label} ${Math.round(score * 100)}%`,
  );
  const meta = userBubble.querySelector(".meta");
  meta.prepend(chip);
}

function showVoice(event, autoplay) {
  const player = el("audio", { controls: true, preload: "auto", src: event.url, ariaLabel: "Spoken reply" });
  const lastText = state.lastReply && state.lastReply.querySelector(".text");
  const target = lastText && lastText.textContent === event.text ? state.lastReply : bubble("bot", `🔊 ${event.text}`);
  target.insertBefore(player, target.querySelector(".meta"));
  scrollDown();
  if (autoplay) {
    audio.pause();
    player.play().catch(() => status("Press play on the voice note to hear it."));
  }
}

function showAudio(event) {
  const item = bubble("bot", `🎵 ${event.title}${event.caption ? "\n" + event.caption : ""}`, "info");
  item.insertBefore(
    el("audio", { controls: true, preload: "auto", src: event.url, ariaLabel: event.title }),
    item.querySelector(".meta"),
  );
  scrollDown();
}

function chartAlt(event) {
  const counts = Object.entries(event.counts)
    .map(([emotion, n]) => `${emotion} ${n}`)
    .join(", ");
  return `Chart of your moods per day this ${event.period}: ${counts}.`;
}

function showChart(event) {
  const img = el("img", { src: event.url, alt: chartAlt(event), width: event.width, height: event.height });
  const figure = el("figure", { class: "chart" }, img, el("figcaption", {}, event.caption));
  const msg = el("div", { class: "msg bot info" }, figure, el("div", { class: "meta" }, stamp()));
  row("bot", msg);
  img.addEventListener("load", scrollDown, { once: true });
}

function card(track, i, event) {
  const like = el("button", { type: "button" }, "👍", hidden(`Like ${track.title}`));
  const dislike = el("button", { type: "button" }, "👎", hidden(`Dislike ${track.title}`));
  like.setAttribute("aria-pressed", "false");
  dislike.setAttribute("aria-pressed", "false");
  like.addEventListener("click", () => feedback(track, true, like, dislike));
  dislike.addEventListener("click", () => feedback(track, false, dislike, like));
  const play = el(
    "button",
    {
      type: "button",
      class: "play",
      disabled: !track.has_audio,
      onclick: () => {
        if (isCurrent(track) && !audio.paused) {
          audio.pause();
          return;
        }
        loadPlaylist(event.tracks);
        playAt(i);
      },
    },
    el("span", { "aria-hidden": "true" }, "▶"),
    hidden(`Play ${track.title}`),
  );
  return el(
    "li",
    { class: "card track", "data-track-id": track.id, "data-emotion": track.emotion },
    el("p", { class: "card-title" }, `${i + 1}. ${track.title}`),
    el("p", { class: "card-artist" }, track.artist),
    el("p", { class: "card-reason" }, track.reason),
    el(
      "div",
      { class: "actions" },
      play,
      el(
        "button",
        { type: "button", class: "similar", onclick: () => similar(track) },
        "More like this",
        hidden(`: ${track.title}`),
      ),
      like,
      dislike,
    ),
  );
}

function showTracks(event) {
  const list = el("ol", { class: "cards tracks" }, ...event.tracks.map((track, i) => card(track, i, event)));
  const msg = el(
    "div",
    { class: "msg bot wide tracks-msg" },
    el("p", { class: "tracks-heading" }, event.heading),
    list,
    el("div", { class: "meta" }, stamp()),
  );
  row("bot", msg);
  loadPlaylist(event.tracks);
  syncCards();
}

// ------------------------------------------------------------------ actions
async function sendMessage(text) {
  const mine = bubble("me", text);
  const answer = await request("message", { text });
  showEvents(answer.events, { op: "message", bubble: mine });
}

// ------------------------------------------------------------------ microphone
async function toggleRecording() {
  if (state.recorder) {
    state.recorder.stop();
    return;
  }
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    status("Recording needs a browser with a microphone, on a secure (TLS) page or this computer.");
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    status("I can't use the microphone — please allow it for this page.");
    return;
  }
  const type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"].find((t) =>
    MediaRecorder.isTypeSupported(t),
  );
  const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
  const chunks = [];
  const mic = $("mic-btn");
  recorder.addEventListener("dataavailable", (e) => e.data.size && chunks.push(e.data));
  recorder.addEventListener("stop", () => {
    clearTimeout(recorder.limit);
    for (const track of stream.getTracks()) track.stop();
    state.recorder = null;
    mic.setAttribute("aria-pressed", "false");
    mic.setAttribute("aria-label", "Record a voice message");
    status("");
    sendVoice(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
  });
  recorder.limit = setTimeout(() => recorder.state === "recording" && recorder.stop(), MAX_RECORDING_MS);
  state.recorder = recorder;
  recorder.start();
  mic.setAttribute("aria-pressed", "true");
  mic.setAttribute("aria-label", "Stop recording and send");
  status("Recording… press 🎙 again to send.");
}

async function sendVoice(blob) {
  const mine = bubble("me", "🎙 …");
  setWorking(1);
  try {
    const res = await fetch("/api/voice", {
      method: "POST",
      body: blob,
      headers: { "Content-Type": blob.type || "audio/webm" },
      credentials: "same-origin",
    });
    if (!res.ok) throw new Error(String(res.status));
    showEvents((await res.json()).events, { op: "voice", bubble: mine });
  } catch {
    bubble("bot", "I couldn't send that recording — please try again.", "error");
  } finally {
    setWorking(-1);
  }
}

async function simple(op, args = {}) {
  const answer = await request(op, args);
  showEvents(answer.events, { op, bubble: null });
  return answer;
}

async function similar(track) {
  bubble("me", `More like “${track.title}”`);
  await simple("similar", { track_id: track.id });
}

async function feedback(track, liked, pressed, other) {
  const answer = await request("feedback", { track_id: track.id, liked });
  const ok = answer.events.some((e) => e.type === "reply" && e.kind !== "error");
  if (ok) {
    pressed.setAttribute("aria-pressed", "true");
    other.setAttribute("aria-pressed", "false");
  }
  showEvents(answer.events, { op: "feedback", bubble: null });
}

// ------------------------------------------------------------------ my moods
async function loadMoods(period) {
  state.moodPeriod = period;
  for (const button of document.querySelectorAll(".segmented button")) {
    button.setAttribute("aria-pressed", String(button.dataset.period === period));
  }
  const note = $("mood-note");
  note.textContent = "Drawing your moods…";
  const answer = await request("mood", { period, timezone: TIMEZONE });
  const chart = answer.events.find((e) => e.type === "mood_chart");
  const figure = $("mood-figure");
  if (!chart) {
    figure.hidden = true;
    const reply = answer.events.find((e) => e.type === "reply");
    note.textContent = reply ? reply.text : answer.error || "No chart this time.";
    return;
  }
  const img = $("mood-chart");
  img.alt = chartAlt(chart);
  img.src = chart.url;
  $("mood-caption").textContent = chart.caption;
  figure.hidden = false;
  note.textContent = "";
  img.decode().then(
    () => $("moods").scrollIntoView({ block: "nearest" }),
    () => {},
  );
}

function openMoods() {
  const panel = $("moods");
  panel.hidden = false;
  $("mood-btn").setAttribute("aria-expanded", "true");
  panel.scrollIntoView({ block: "nearest" });
  $("moods-title").focus({ preventScroll: true });
  return loadMoods(state.moodPeriod);
}

// ------------------------------------------------------------------ player
function fmt(seconds) {
  if (!Number.isFinite(seconds)) return "0:00";
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function isCurrent(track) {
  const playing = state.playlist[state.current];
  return Boolean(playing && playing.id === track.id);
}

function loadPlaylist(tracks) {
  const same = tracks.length === state.playlist.length && tracks.every((t, i) => t.id === state.playlist[i].id);
  if (same) return;
  const playing = state.playlist[state.current];
  state.playlist = tracks.slice();
  state.current = playing ? tracks.findIndex((t) => t.id === playing.id) : -1;
  const list = $("playlist");
  list.replaceChildren(
    ...tracks.map((track, i) =>
      el(
        "li",
        { "data-track-id": track.id },
        el(
          "button",
          { type: "button", disabled: !track.has_audio, onclick: () => playAt(i) },
          `${track.title} — ${track.artist}`,
        ),
      ),
    ),
  );
  markCurrent();
}

function markCurrent() {
  [...$("playlist").children].forEach((li, i) => li.setAttribute("aria-current", String(i === state.current)));
  syncCards();
}

// The card of the track in the player is outlined; its ▶ turns into a pause button while it plays.
function syncCards() {
  const playing = state.playlist[state.current];
  for (const item of log.querySelectorAll(".card")) {
    const mine = Boolean(playing) && item.dataset.trackId === playing.id;
    item.classList.toggle("playing", mine);
    const button = item.querySelector(".play");
    const title = item.querySelector(".card-title").textContent.replace(/^\d+\. /, "");
    const pausing = mine && !audio.paused;
    button.firstChild.textContent = pausing ? "❚❚" : "▶";
    button.lastChild.textContent = `${pausing ? "Pause" : "Play"} ${title}`;
  }
}

async function clipUrl(track) {
  if (state.clipUrls.has(track.id)) return state.clipUrls.get(track.id);
  const answer = await request("play", { track_id: track.id });
  const clip = answer.events.find((e) => e.type === "audio");
  if (!clip) {
    showEvents(answer.events, { op: "play", bubble: null });
    return null;
  }
  state.clipUrls.set(track.id, clip.url);
  return clip.url;
}

async function playAt(index) {
  const track = state.playlist[index];
  if (!track) return;
  state.current = index;
  markCurrent();
  $("now-playing").textContent = `Loading ${track.title} — ${track.artist}…`;
  const url = await clipUrl(track);
  if (state.current !== index) return; // the user moved on meanwhile
  if (!url) {
    $("now-playing").textContent = `No audio for ${track.title}.`;
    return;
  }
  audio.src = url;
  $("now-playing").textContent = `${track.title} — ${track.artist}`;
  $("now-playing").dataset.trackId = track.id;
  try {
    await audio.play();
  } catch {
    status("The browser blocked playback — press play.");
  }
}

function step(delta) {
  for (let i = state.current + delta; i >= 0 && i < state.playlist.length; i += delta) {
    if (state.playlist[i].has_audio) return playAt(i);
  }
  status(delta > 0 ? "That was the last track." : "That was the first track.");
  return null;
}

function togglePlay() {
  if (!audio.src) {
    step(1);
  } else if (audio.paused) {
    audio.play().catch(() => status("The browser blocked playback."));
  } else {
    audio.pause();
  }
}

function wirePlayer() {
  const playBtn = $("play-btn");
  const seek = $("seek");
  const volume = $("volume");
  let dragging = false;
  playBtn.addEventListener("click", togglePlay);
  $("next-btn").addEventListener("click", () => step(1));
  $("prev-btn").addEventListener("click", () => step(-1));
  audio.volume = Number(volume.value);
  volume.addEventListener("input", () => {
    audio.volume = Number(volume.value);
  });
  seek.addEventListener("input", () => {
    dragging = true;
  });
  seek.addEventListener("change", () => {
    audio.currentTime = Number(seek.value);
    dragging = false;
  });
  const update = () => {
    seek.max = String(Number.isFinite(audio.duration) ? audio.duration : 0);
    if (!dragging) seek.value = String(audio.currentTime);
    $("time").textContent = `${fmt(audio.currentTime)} / ${fmt(audio.duration)}`;
  };
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("loadedmetadata", update);
  audio.addEventListener("play", () => {
    playBtn.textContent = "Pause";
    syncCards();
  });
  audio.addEventListener("pause", () => {
    playBtn.textContent = "Play";
    syncCards();
  });
  audio.addEventListener("ended", () => step(1));
}

// ------------------------------------------------------------------ start
async function loadSettings() {
  try {
    const res = await fetch("/api/settings", { credentials: "same-origin" });
    if (res.ok) $("voice-toggle").checked = ["voice", "both"].includes((await res.json()).reply_mode);
  } catch {
    status("Could not load your settings.");
  }
}

function wireChat() {
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("message");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendMessage(text);
  });
  $("voice-toggle").addEventListener("change", (e) =>
    simple("settings", { reply_mode: e.target.checked ? "both" : "auto" }),
  );
  $("mic-btn").addEventListener("click", toggleRecording);
  $("compose-btn").addEventListener("click", () => {
    bubble("me", "/compose");
    simple("compose");
  });
  $("mood-btn").addEventListener("click", openMoods);
  for (const button of document.querySelectorAll(".segmented button")) {
    button.addEventListener("click", () => loadMoods(button.dataset.period));
  }
}

wireChat();
wirePlayer();
connect();
loadSettings();
