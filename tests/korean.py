"""The Korean texts the Korean secretariat writes for the English texts of the tests' stories; read backwards, the
English the U.S. secretariat writes for a text written only in Korean (tests.conftest.complete_both_texts uses them).

A text that is already in Hangul (a Korean delegate's name, a record the Korean side wrote in Korean) is its own
Korean text. A story that writes a new English text adds its Korean here: a text with none is named, with every
other one missing, in a single failure."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

KOREAN = {
    # people and their places
    "Margaret Chen": "마거릿 첸",
    "Samuel Reyes": "새뮤얼 레예스",
    "David Okafor": "데이비드 오카포",
    "Olivia Park": "올리비아 박",
    "Dr. Jane Doe": "제인 도 박사",
    "Director": "국장",
    "National Science Foundation": "미국 국립과학재단",
    "NSF": "미국 국립과학재단(NSF)",
    # agenda items
    "Day two": "둘째 날",
    "Site visit": "현장 방문",
    # meetings written in Korean first (read backwards: their English)
    "The 12th Korea-U.S. Joint Committee on Science and Technology Cooperation": "제12차 한미 과학기술 공동위원회",
    "Government Complex Sejong": "정부세종청사",
    # action items
    "Report on the workshop": "워크숍 결과 보고",
    "Exchange AI-ready dataset inventories": "AI 활용 가능 데이터셋 목록 교환",
    "Organise a joint quantum workshop": "양자 공동 워크숍 개최",
    # the minutes
    "The two sides discussed another matter.": "양측은 다른 내용을 논의하였다.",
    "The U.S. side presented **NSF's AI testbeds**. 한국 측은 데이터셋 현황을 설명하였다.\n\n"
    "<script>alert('minutes')</script>":
        "미국 측은 **NSF의 AI 테스트베드**를 소개하였다. 한국 측은 데이터셋 현황을 설명하였다.\n\n"
        "<script>alert('minutes')</script>",
    "The two sides agreed to exchange testbed inventories by June.": "양측은 6월까지 테스트베드 목록을 교환하기로 합의하였다.",
    "Testbeds shared on schedule.": "테스트베드가 일정대로 공유되고 있음.",
    "Testbeds shared.": "테스트베드 공유 완료.",
    "A late correction": "뒤늦게 반영한 정정 사항",
    "AI for science.": "과학을 위한 AI.",
    "A.1 is on track.": "A.1은 계획대로 추진되고 있음.",
    "B.4 is on track.": "B.4는 계획대로 추진되고 있음.",
    "On track.": "계획대로 추진되고 있음.",
    "Washington, D.C., in the spring of 2027.": "2027년 봄, 미국 워싱턴 D.C.",
    "Washington, D.C., spring 2027": "2027년 봄, 미국 워싱턴 D.C.",
    "Washington, D.C., in May 2027.": "2027년 5월, 미국 워싱턴 D.C.",
}

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_missing: list[list[str]] = []


def _translated(text, table: dict[str, str], own) -> object:
    if isinstance(text, list):
        return [_translated(entry, table, own) for entry in text]
    if text in table:
        return table[text]
    if own(text):
        return text
    if _missing:
        _missing[-1].append(text)
        return text
    raise KeyError(f"no translation in tests/korean.py for {text!r}")


def in_korean(text):
    """The Korean text of an English one (a list of decisions entry by entry)."""
    return _translated(text, KOREAN, lambda text: bool(HANGUL.search(text)))


def in_english(text):
    """The English text of one written only in Korean: a text with no Hangul in it (a name, an acronym) is its own."""
    return _translated(text, {korean: english for english, korean in KOREAN.items()},
                       lambda text: not HANGUL.search(text))


@contextmanager
def untranslated() -> Iterator[list[str]]:
    """Collects every text without a translation, and names them all at once at the end."""
    _missing.append([])
    try:
        yield _missing[-1]
    finally:
        found = _missing.pop()
    assert not found, "add their translations to tests/korean.py:\n" + "\n".join(
        f"    {text!r}: ..." for text in dict.fromkeys(found))
