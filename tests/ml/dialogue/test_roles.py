"""People and pets in replies: a reply about someone else's mum is not sent for a dad."""

from __future__ import annotations

import pytest

from ml.dialogue.engine import DialogueEngine
from ml.dialogue.roles import role_mismatch, roles
from ml.generate import ReplyRequest
from ml.lang import detect_lang


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("I miss my dad", {("family", "father")}),
        ("Missing your MUM can come in waves", {("family", "mother")}),
        ("my dog and my cat fight", {("pet", "dog"), ("pet", "cat")}),
        ("엄마한테 혼났어", {("family", "mother")}),
        ("할머니께서 전화하셨어요", {("family", "grandmother")}),
        ("우리 형이 결혼해", {("family", "older-brother")}),
        ("딸기 먹었어", set()),  # 딸 (daughter) is not the start of 딸기 (strawberry)
        ("형편이 어려워", set()),
        ("이모티콘 귀엽다", set()),
        ("dogma and catalogues", set()),
    ],
)
def test_roles_named(text: str, named: set[tuple[str, str]]) -> None:
    assert roles(text) == named


def test_mismatch_counts_conflicts_and_strangers() -> None:
    dad = roles("I miss my dad")
    assert role_mismatch(roles("Missing your mum can come in waves"), dad) == (1, 0)
    assert role_mismatch(roles("Is your boss being fair?"), dad) == (0, 1)
    assert role_mismatch(roles("Your dad sounds lovely"), dad) == (0, 0)
    assert role_mismatch(roles("That sounds hard"), dad) == (0, 0)


@pytest.mark.parametrize(
    ("message", "wrong"),
    [  # without the charge, each of these drew a reply about someone else (the written-set index)
        ("I miss my grandpa", {("family", "mother")}),  # "Missing your mum can come in waves…"
        ("my grandpa doesn't recognise me anymore", {("pet", "dog")}),  # "Watching your dog forget you…"
        ("남친이랑 헤어졌어", {("family", "mother")}),  # "엄마한테도 가족 같았던 사람이라…"
    ],
)
def test_the_engine_does_not_answer_about_someone_else(
    engine: DialogueEngine, message: str, wrong: set[tuple[str, str]]
) -> None:
    lang = detect_lang(message)
    choice = engine.respond([ReplyRequest(message, "sadness", lang)])[0]
    assert not roles(choice.text) & wrong, choice.text
