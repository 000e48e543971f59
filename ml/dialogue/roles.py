"""Which people and pets a text names, so a reply about someone else's mum is not sent for a dad.

A retrieved reply was written for another conversation; when it names a person or pet of a kind
the conversation also names, but a different one ("Missing your mum…" for "I miss my dad"), it is
an answer to somebody else. Roles and their words live in ``wordlists/roles.txt``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ml.lang import detect_lang

Role = tuple[str, str]  # (kind, role), e.g. ("family", "father")
_ROLES_FILE = Path(__file__).resolve().parent / "wordlists" / "roles.txt"
# Korean particles that may follow a role word (엄마가, 할머니께서, 언니야), longest first.
_PARTICLES = sorted(
    [
        "한테서",
        "에게서",
        "이랑",
        "한테",
        "에게",
        "께서",
        "처럼",
        "보다",
        "까지",
        "부터",
        "이가",
        "이는",
        "이를",
        "이도",
        "이의",
        "이한테",
        "으로",
        "랑",
        "가",
        "이",
        "는",
        "은",
        "를",
        "을",
        "도",
        "만",
        "의",
        "와",
        "과",
        "로",
        "께",
        "야",
        "아",
        "네",
        "님",
    ],
    key=len,
    reverse=True,
)


@cache
def _table() -> dict[str, Role]:
    """Each role word (lower case) → (kind, role)."""
    table: dict[str, Role] = {}
    for line in _ROLES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            head, words = line.split(":", 1)
            kind, role = head.split()
            table.update((word.lower(), (kind, role)) for word in words.split())
    return table


def _lookup(word: str, table: dict[str, Role]) -> Role | None:
    if word in table:
        return table[word]
    if detect_lang(word) == "ko":
        for particle in _PARTICLES:
            if word.endswith(particle) and word[: -len(particle)] in table:
                return table[word[: -len(particle)]]
    return None


def roles(text: str) -> frozenset[Role]:
    """The roles ``text`` names, e.g. {("family", "father"), ("pet", "dog")}."""
    table = _table()
    found = (_lookup(word, table) for word in re.findall(r"\w+", text.lower()))
    return frozenset(r for r in found if r is not None)


def role_mismatch(reply: frozenset[Role], conversation: frozenset[Role]) -> tuple[int, int]:
    """(conflicts, foreign): roles a reply names (``reply``, from :func:`roles`) that the
    conversation does not, counted as conflicts where it names another role of the same kind,
    else as foreign."""
    kinds = {kind for kind, _ in conversation}
    extra = reply - conversation
    conflicts = sum(1 for kind, _ in extra if kind in kinds)
    return conflicts, len(extra) - conflicts
