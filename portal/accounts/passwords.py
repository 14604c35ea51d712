"""What makes a chosen password too easy to guess (the rules `validate_new_password` applies).

Each check returns True when the password fails it. The lists of common passwords ship in
portal/data (see its README for where they come from) and are read once per process.
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
COMMON_PASSWORD_FILES = ("common-passwords.txt", "common-passwords-sv.txt")

# Runs of characters people type in order: the alphabet, digits, and the rows of a Swedish
# (and so also an English) keyboard. A run may also be typed backwards.
SEQUENCES = (
    string.ascii_lowercase,
    "01234567890",
    "qwertyuiopå",
    "asdfghjklöä",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm",
)
SHORTEST_RUN = 4
# What may be left besides runs for the password to count as more than a run ("qwerty12345!").
LEFT_BESIDES_RUNS = 4
# A name or address part shorter than this is not looked for ("Ann" in "planning").
SHORTEST_PERSONAL_PART = 4


@cache
def common_passwords() -> frozenset[str]:
    words: set[str] = set()
    for name in COMMON_PASSWORD_FILES:
        text = (DATA / name).read_text(encoding="utf-8")
        words.update(line.strip().lower() for line in text.splitlines() if line.strip())
    return frozenset(words)


def is_common(password: str) -> bool:
    """On the list, as it is or with digits and punctuation stripped from its ends
    ("Sommar2024!" is "sommar")."""
    lowered = password.lower()
    core = lowered.strip(string.digits + string.punctuation + " ")
    return lowered in common_passwords() or (bool(core) and core in common_passwords())


def is_repetition(password: str) -> bool:
    """One character, or a group of up to three, repeated ("aaaaaaaaaa", "abababab")."""
    return re.fullmatch(r"(.{1,3}?)\1+", password.lower(), flags=re.DOTALL) is not None


def _run_length(text: str, start: int) -> int:
    """The length of the longest keyboard or number run starting at `start` (0 if none)."""
    longest = 0
    for sequence in SEQUENCES:
        for ordered in (sequence, sequence[::-1]):
            end = start + SHORTEST_RUN
            while end <= len(text) and text[start:end] in ordered:
                longest = max(longest, end - start)
                end += 1
    return longest


def is_run(password: str) -> bool:
    """Mostly keyboard or number runs ("1234567890", "qwertyuiop", "abcdefghij",
    "qwerty12345!"): fewer than LEFT_BESIDES_RUNS characters remain once runs are left out."""
    text = password.lower()
    left, i = 0, 0
    while i < len(text):
        run = _run_length(text, i)
        if run:
            i += run
        else:
            left += 1
            i += 1
    return left < LEFT_BESIDES_RUNS


def personal_parts(email: str, name: str) -> list[str]:
    """The parts of a person's address and name that their password must not contain."""
    local = email.split("@", 1)[0].lower()
    parts = [local, *re.split(r"[\W_]+", local), *re.split(r"[\W_]+", name.lower())]
    return [part for part in dict.fromkeys(parts) if len(part) >= SHORTEST_PERSONAL_PART]


def contains_personal(password: str, email: str, name: str) -> bool:
    lowered = password.lower()
    return any(part in lowered for part in personal_parts(email, name))
