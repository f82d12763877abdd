"""What the board says when a ticket is called (Q05).

Calls name the ticket number only, never the customer. The same words are
given as text (for the browser's own Chinese voice) and as a list of bundled
clips played in order (for a board with no voice and no internet).
"""

from __future__ import annotations

DIGIT_WORDS = {
    "0": "零",
    "1": "一",
    "2": "二",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Clip name -> the Mandarin text it holds. `manage.py build_voice` records
# each one; a hall may replace any file with its own recording of that name.
PHRASE_CLIPS: dict[str, str] = {
    "qing": "请",
    "hao": "号",
    "dao": "到",
    "chuangkou_banli": "号窗口办理",
    "shi": "十",
    "bai": "百",
    # The counter's rating pad when it asks (CARE01), in two clips like every phrase here (short clips).
    "rate_request_1": "请您对我的服务",
    "rate_request_2": "进行评价",
}
CLIP_TEXTS: dict[str, str] = {
    **{f"digit_{d}": word for d, word in DIGIT_WORDS.items()},
    **{f"letter_{letter}": letter for letter in LETTERS},
    **PHRASE_CLIPS,
}


def counter_number_words(number: int) -> list[str]:
    """Clips that read a counter number the way people say it: 12 -> 十二."""
    if number < 10:
        return [f"digit_{number}"]
    if number < 20:
        return ["shi"] + ([f"digit_{number % 10}"] if number % 10 else [])
    if number < 100:
        tens, units = divmod(number, 10)
        return [f"digit_{tens}", "shi"] + ([f"digit_{units}"] if units else [])
    return [f"digit_{d}" for d in str(number)]


def ticket_number_clips(number: str) -> list[str]:
    """A ticket number is read character by character: A023 -> A 零 二 三."""
    clips = []
    for ch in number:
        if ch.isdigit():
            clips.append(f"digit_{ch}")
        elif ch.upper() in LETTERS:
            clips.append(f"letter_{ch.upper()}")
    return clips


def call_clips(ticket_number: str, counter_number: int) -> list[str]:
    """请 A023 号 到 3 号窗口办理, as clip names."""
    return [
        "qing",
        *ticket_number_clips(ticket_number),
        "hao",
        "dao",
        *counter_number_words(counter_number),
        "chuangkou_banli",
    ]


def call_text(ticket_number: str, counter_number: int) -> str:
    return f"请{ticket_number}号到{counter_number}号窗口办理"
