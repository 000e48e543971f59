"""Which group messages are meant for the bot, and what text the core gets."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, Message, MessageEntity, User

from handlers.telegram_parts.updates import addressed_text

BOT = User(7000000001, "happytalk", is_bot=True, username="happytalk_test_bot")
PERSON = User(5100000003, "Sora", is_bot=False)
GROUP = Chat(-1002233445566, Chat.SUPERGROUP)


def _msg(text: str, *entities: MessageEntity, chat: Chat = GROUP, reply_to: Message | None = None) -> Message:
    return Message(
        1, datetime.now(UTC), chat, from_user=PERSON, text=text, entities=entities, reply_to_message=reply_to
    )


def _for_bot(message: Message) -> str | None:
    return addressed_text(message, "happytalk_test_bot", BOT.id)


def test_private_chats_get_everything() -> None:
    assert _for_bot(_msg("hi there", chat=Chat(5, Chat.PRIVATE))) == "hi there"


def test_mentions_are_answered_with_the_mention_removed() -> None:
    text = "so 🎉 happy @HappyTalk_Test_Bot today"
    at = MessageEntity(MessageEntity.MENTION, 12, 19)  # offsets count UTF-16 units (🎉 is two)
    assert _for_bot(_msg(text, at)) == "so 🎉 happy today"
    named = MessageEntity(MessageEntity.TEXT_MENTION, 0, 9, user=BOT)
    assert _for_bot(_msg("happytalk how are you", named)) == "how are you"
    other = MessageEntity(MessageEntity.TEXT_MENTION, 0, 4, user=PERSON)
    assert _for_bot(_msg("Sora how are you", other)) is None


def test_commands_and_replies() -> None:
    assert _for_bot(_msg("/mood", MessageEntity(MessageEntity.BOT_COMMAND, 0, 5))) == "/mood"
    ours = MessageEntity(MessageEntity.BOT_COMMAND, 0, 24)
    assert _for_bot(_msg("/mood@happytalk_test_bot", ours)) == "/mood@happytalk_test_bot"
    theirs = MessageEntity(MessageEntity.BOT_COMMAND, 0, 15)
    assert _for_bot(_msg("/mood@other_bot", theirs)) is None
    bot_said = Message(9, datetime.now(UTC), GROUP, from_user=BOT, text="Good luck!")
    assert _for_bot(_msg("thanks!", reply_to=bot_said)) == "thanks!"
    person_said = Message(8, datetime.now(UTC), GROUP, from_user=PERSON, text="hey")
    assert _for_bot(_msg("thanks!", reply_to=person_said)) is None
    assert _for_bot(_msg("just chatting")) is None
