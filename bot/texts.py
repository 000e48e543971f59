"""What the core and the adapters say to users (English and Korean), in one place.

Mood lines for music requests live in ``bot.music_lines`` and ``/mood`` captions in
``bot.mood_summary``: they are generated per emotion and language.
"""

from __future__ import annotations

from config import EMOTIONS

SORRY = "Sorry, something went wrong on my side. Please try again."
BUSY = "I'm talking with a lot of people right now — please try again in a few seconds."
PRIVATE = "Sorry, this bot is private and you're not on its list of users."
TOO_FAST = "You're sending messages faster than I can think — give me a few seconds."
EMPTY = "I didn't catch anything — send me a message, or /help to see what I can do."
NOT_OFFERED = "That track isn't one I suggested to you. Tell me how you feel and I'll suggest some."
NOT_SAVED = "(I couldn't save this conversation just now, so /pick may not find these tracks.)"
NO_STT = "I can't listen to voice messages on this server — please type it."
NO_AUDIO = "I don't have audio for that track."
NO_COMPOSER = "Composing isn't available on this server."
TRACK_GONE = "That track is no longer in the library."
TRACK_GONE_PICK = "That track is no longer in the library. Tell me how you feel for new ones."
NO_SUGGESTIONS_YET = "I haven't suggested any tracks yet — tell me how you feel first."
NO_VOICE_REPLIES = "voice replies are not set up"
REINDEXED = "Rebuilt the music index."
INDEX_CURRENT = "The music index is already up to date."
START = (
    "Hi! I'm happytalk. Tell me how your day is going — I'll answer, "
    "notice the mood and suggest five tracks for it.\n\n"
)
UNSURE_TRACKS = "Five easygoing tracks (I'm not sure how you feel):"

REPLY_MODE_SET = {
    "auto": "I'll answer voice messages with a voice note, and text with text.",
    "text": "I'll answer in text.",
    "voice": "I'll answer with voice notes.",
    "both": "I'll answer in text and with a voice note.",
}
LANG_SET = {
    "auto": "I'll answer in the language you write in.",
    "en": "I'll answer in English.",
    "ko": "이제 한국어로 대답할게요.",
}


TOO_LONG = (
    "That message is {chars:,} characters long; I can read up to {limit:,}. Could you send a shorter one?"
)
DATABASE_ERROR = "Sorry, {reason}."
UNKNOWN_COMMAND = "I don't know /{name}. Try /help for the list of commands."
ADMINS_ONLY = "/{name} is for admins only."
WHICH_ONE = "Which one? Use /{verb} N with N from 1 to {offered}."
NO_SUCH_SUGGESTION = "There's no suggestion {arg}; pick 1 to {offered} from my last list."
USE_REPLY_MODE = "Use /voice auto, /voice text, /voice voice or /voice both (now: {current})."
USE_LANG = "Use /lang auto, /lang en or /lang ko (now: {current})."
MOOD_TRACKS = "Five tracks for your {emotion}:"
TRACKS_FOR = "Five tracks for {emotion}:"
TRACKS_LIKE = "Five tracks like “{title}” by {artist}:"
LIKED = "👍 Noted — I'll suggest more like “{title}”."
DISLIKED = "👎 Got it — fewer like “{title}”."
CANNOT_PLAY = "I couldn't play “{title}”: {reason}."
CANNOT_SPEAK = "I couldn't speak this one ({reason})"


def unknown_mood(emotion: str | None) -> str:
    return f"I don't know the mood “{(emotion or '')[:30]}”. Try one of: {', '.join(EMOTIONS)}."
