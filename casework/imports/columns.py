"""The columns of a register list (the import template and the files taken in), and the limits of an import."""

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ..models import Education, Person, RegistryEntry

CHUNK_SIZE = 2000  # rows validated and written together: one lookup query per chunk, not per row


BATCH_SIZE = CHUNK_SIZE  # rows per INSERT statement


MAX_ROWS = 200_000


MAX_FILE_BYTES = 50 * 1024 * 1024


EXTENSIONS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    """One column of the register file. ``header`` is part of the file format (Chinese in every language)."""

    key: str
    header: str
    required: bool
    help: Promise
    example: str
    width: int = 14
    kind: str = "text"  # "text", "date", or "code" (kept as text so Excel does not turn it into a number)


COLUMNS = [
    Column("name", "姓名", True, gettext_lazy("Full name, as on the ID card."), "张三", width=12),
    Column(
        "id_number",
        "身份证号码",
        True,
        gettext_lazy("18-character resident ID number. Keep the column formatted as text."),
        "210202199001010010",
        width=22,
        kind="code",
    ),
    Column("phone", "手机号码", False, gettext_lazy("11-digit mobile number."), "13812345678", kind="code"),
    Column(
        "community",
        "所在社区",
        False,
        gettext_lazy(
            "A community in the unit you import into (write “street/community” if two have the same name). "
            "May be left blank when you import into a community."
        ),
        "友好社区",
        width=18,
    ),
    Column(
        "entered_on", "登记日期", True, gettext_lazy("Date of registration: YYYY-MM-DD."), "2026-01-05", kind="date"
    ),
    Column(
        "graduation_date",
        "毕业时间",
        False,
        gettext_lazy("Graduation date, YYYY-MM-DD. Registers with a window count it from this date."),
        "2025-07-01",
        kind="date",
    ),
    Column("education", "学历", False, gettext_lazy("One of the education levels listed below."), "本科"),
    Column("note", "备注", False, gettext_lazy("Kept with the register entry (at most 255 characters)."), "", width=30),
]


COLUMN = {column.key: column for column in COLUMNS}


HEADER = {column.key: column.header for column in COLUMNS}


# The file format is Chinese: these are the values written by the template and the export, and read back.
EDUCATION_ZH = {
    Education.NONE: "未上过学",
    Education.PRIMARY: "小学",
    Education.JUNIOR: "初中",
    Education.SENIOR: "高中",
    Education.SECONDARY_VOCATIONAL: "中专",
    Education.TECHNICIAN: "技工院校",
    Education.JUNIOR_COLLEGE: "大专",
    Education.BACHELOR: "本科",
    Education.MASTER: "硕士研究生",
    Education.DOCTOR: "博士研究生",
}


EDUCATION_ALIASES = {
    "无": Education.NONE,
    "文盲": Education.NONE,
    "普通高中": Education.SENIOR,
    "中职": Education.SECONDARY_VOCATIONAL,
    "中等职业学校": Education.SECONDARY_VOCATIONAL,
    "职高": Education.SECONDARY_VOCATIONAL,
    "技校": Education.TECHNICIAN,
    "技师学院": Education.TECHNICIAN,
    "专科": Education.JUNIOR_COLLEGE,
    "大学专科": Education.JUNIOR_COLLEGE,
    "高职": Education.JUNIOR_COLLEGE,
    "大学本科": Education.BACHELOR,
    "学士": Education.BACHELOR,
    "硕士": Education.MASTER,
    "研究生": Education.MASTER,
    "博士": Education.DOCTOR,
}


NAME_MAX = Person._meta.get_field("name").max_length


NOTE_MAX = RegistryEntry._meta.get_field("note").max_length


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


SCIENTIFIC_RE = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def education_lookup() -> dict[str, str]:
    """Every spelling accepted in the 学历 column: codes, the file's Chinese labels, aliases, and the model's
    labels in each interface language."""
    lookup = {code: code for code in Education.values}
    lookup.update({label: code for code, label in EDUCATION_ZH.items()})
    lookup.update(EDUCATION_ALIASES)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({str(label): code for code, label in Education.choices})
    return {key.strip().lower(): value for key, value in lookup.items()}
