"""A name's pinyin, so a caseworker typing ``liao`` or ``lj`` finds 廖军 (pypinyin, the well-kept library for it).

Stored on the person (``name_pinyin``, ``name_initials``, both indexed for a prefix search) whenever the name is
saved. A surname with a reading of its own (曾 zeng, 单 shan, 解 xie …) takes that reading: pypinyin reads the
character as a word (ceng, dan, jie), which is not how the family name is said."""

from pypinyin import Style, lazy_pinyin

# Family names read otherwise than the character's common reading (two-character family names first).
SURNAME_READINGS = {
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "单于": ["chan", "yu"], "长孙": ["zhang", "sun"],
    "令狐": ["ling", "hu"], "曾": ["zeng"], "单": ["shan"], "解": ["xie"], "仇": ["qiu"], "朴": ["piao"],
    "查": ["zha"], "区": ["ou"], "盖": ["ge"], "乐": ["yue"], "缪": ["miao"], "翟": ["zhai"], "覃": ["qin"],
    "员": ["yun"], "繁": ["po"], "种": ["chong"], "秘": ["bi"], "折": ["she"], "召": ["shao"], "尉": ["yu"],
    "宓": ["fu"], "句": ["gou"], "贲": ["ben"], "蕃": ["pi"], "藏": ["zang"], "重": ["chong"], "薄": ["bo"],
}  # fmt: skip


def readings(name: str) -> list[str]:
    """The pinyin of each character of ``name`` (without tones); other characters (letters, ·) dropped."""
    name = (name or "").strip()
    for surname, reading in SURNAME_READINGS.items():
        if name.startswith(surname) and len(name) > len(surname):
            return reading + _plain(name[len(surname) :])
    return _plain(name)


def _plain(text: str) -> list[str]:
    return [syllable for syllable in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors="ignore") if syllable]


def pinyin_of(name: str) -> tuple[str, str]:
    """``("liaojun", "lj")`` for 廖军: the full pinyin and the initials, lower case, as stored and searched."""
    syllables = [syllable.lower() for syllable in readings(name) if syllable.isalpha()]
    return "".join(syllables)[:255], "".join(syllable[0] for syllable in syllables)[:64]
