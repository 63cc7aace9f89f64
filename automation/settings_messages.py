"""The settings file's mistakes as one line a clerk can act on: Thai first, a short English gloss.

Each line names the file, the place as the file writes it (`[run] digits`, `[[units]] ชุดที่ 2
line_to`), the value as it is typed there, what is valid with an example typed exactly as it
must be, and ends with the dotted key (`run.digits`) and a few English words in brackets. The
settings are not loaded when these lines are made, so `[run] language` cannot choose the
language: Thai first and the gloss for everyone, as the workbook's own errors read.

Only words live here; `automation.settings` decides what is wrong.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

Loc = Sequence[Any]  # ("units", 1, "line_to"): keys and list positions counted from 0, as pydantic's


class Expected(ValueError):
    """Raised by a field validator: what the key accepts, in Thai, an example value typed as it
    must be in the file, and a few English words. `secret`: show only the value's beginning
    (a token pasted where its variable's name belongs must not end up whole in a log)."""

    def __init__(self, th: str, en: str, example: str = "", *, secret: bool = False) -> None:
        super().__init__(en)
        self.th, self.en, self.example, self.secret = th, en, example, secret


def shown(value: Any, limit: int = 70) -> str:
    """A value as the TOML file has it: "text" in double quotes, true/false, [a, b]."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (str, Path)):
        text = json.dumps(str(value), ensure_ascii=False)
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    elif isinstance(value, list):
        text = "[" + ", ".join(shown(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{ " + ", ".join(f"{k} = {shown(v, limit)}" for k, v in value.items()) + " }"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dotted(loc: Loc) -> str:
    """`units[2].line_to`: the key as one dotted name, list positions counted from 1."""
    return "".join(f"[{item + 1}]" if isinstance(item, int) else f".{item}" for item in loc).lstrip(".")


def table(loc: Loc) -> str:
    """The header of the table at `loc` as the file writes it: `[run]`, `[[units]] ชุดที่ 2`."""
    names = ".".join(str(item) for item in loc if not isinstance(item, int))
    ordinal = next((item + 1 for item in reversed(loc) if isinstance(item, int)), None)
    return f"[{names}]" if ordinal is None else f"[[{names}]] ชุดที่ {ordinal}"


def place(loc: Loc) -> str:
    """Where a key is, as a person finds it in the file: `[run] digits`, `[survey] bands ค่าที่ 2`."""
    *rest, last = loc
    if isinstance(last, int):
        return f"{place(rest)} ค่าที่ {last + 1}"
    return f"{table(rest)} {last}" if rest else str(last)


def _leaf(loc: Loc) -> str:
    return next((str(item) for item in reversed(loc) if not isinstance(item, int)), "")


def _either(items: Sequence[str], word: str) -> str:
    """"a", "b" หรือ "c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _near(word: str, known: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, list(known), n=1)
    return found[0] if found else None


# ---------------------------------------------------------------- the file itself


def not_found(source: Path) -> str:
    return (f"{source}: ไม่พบไฟล์ตั้งค่า — ตรวจชื่อไฟล์และโฟลเดอร์ หรือระบุไฟล์ด้วย --config "
            "เช่น --config config/settings.toml (settings file not found)")


def a_folder(source: Path) -> str:
    return (f"{source}: เป็นโฟลเดอร์ ไม่ใช่ไฟล์ตั้งค่า — ระบุไฟล์ด้วย --config "
            "เช่น --config config/settings.toml (a folder, not a settings file)")


def not_utf8(source: Path) -> str:
    return (f"{source}: ไฟล์ไม่ได้บันทึกแบบ UTF-8 (เช่น บันทึกจาก Notepad แบบ ANSI) — เปิดไฟล์แล้ว"
            "บันทึกเป็น (Save As) โดยเลือกการเข้ารหัส UTF-8 (not UTF-8 text)")


def unreadable(source: Path, reason: str) -> str:
    return f"{source}: เปิดอ่านไม่ได้ ({reason}) — ตรวจสิทธิ์การอ่านไฟล์ (cannot be read)"


def bad_toml(source: Path, detail: str, text: str) -> str:
    """tomllib's complaint, with the line it is about quoted as typed and the usual fix."""
    at = re.search(r"\(at line (\d+), column \d+\)", detail)
    lines = text.splitlines()
    where, quote = "", ""
    if at and lines:
        number = min(int(at.group(1)), len(lines))
        where = f" บรรทัดที่ {number}"
        typed = lines[number - 1].strip()
        typed = re.sub(r"\s+#.*$", "", typed) or typed  # the line's comment is not what is wrong
        quote = f": {typed[:69] + '…' if len(typed) > 70 else typed}" if typed else ""
    if "Illegal character '\\n'" in detail or "Unterminated string" in detail:
        what, fix = "เปิดเครื่องหมายคำพูดแล้วไม่ได้ปิด", "ใส่ \" ปิดท้ายข้อความในบรรทัดเดียวกัน"
    elif re.search(r"twice|overwrite|redefine|Duplicate", detail):
        what, fix = "ชื่อหรือหัวข้อนี้มีอยู่แล้วข้างบน", "ลบอันที่ซ้ำออก หรือรวมค่าไว้ที่เดียว"
    elif "Unescaped '\\'" in detail:
        what, fix = ("มี \\ ในข้อความ", "ที่อยู่ไฟล์ให้เขียนด้วย / แทน เช่น \"C:/ita/data/office.xlsx\" "
                     "หรือเขียน \\\\ แทน \\ ตัวเดียว")
    elif "date" in detail:
        what, fix = "วันที่เขียนไม่ถูกรูปแบบ", "เขียนเป็นปี ค.ศ.-เดือน-วัน ไม่ใส่เครื่องหมายคำพูด เช่น 2024-03-15"
    else:
        what, fix = ("เขียนไม่ถูกรูปแบบ", "ตรวจว่าข้อความอยู่ในเครื่องหมายคำพูด \"…\" ครบทั้งเปิดและปิด "
                     "ชื่อกับค่าคั่นด้วย = และชื่อหัวข้ออยู่ในวงเล็บ [ ]")
    return f"{source}:{where} {what}{quote} — {fix} (not valid TOML: {detail})"


# ---------------------------------------------------------------- one key


def invalid(source: Path | str, loc: Loc, value: Any, th: str, en: str, example: str = "",
            *, secret: bool = False) -> str:
    """`<file>: [run] digits = "roman" ไม่ถูกต้อง — ต้องเป็น … เช่น … (run.digits: …)`."""
    typed = shown(str(value)[:6] + "…") if secret and isinstance(value, str) and len(value) > 6 else shown(value)
    such_as = f" เช่น {_leaf(loc)} = {example}" if example else ""
    return f"{source}: {place(loc)} = {typed} ไม่ถูกต้อง — {th}{such_as} ({dotted(loc)}: {en})"


def missing(source: Path, loc: Loc, field: FieldInfo | None) -> str:
    """A required key or table that is not in the file, with what to add where."""
    kind = _kind(field)
    origin = get_origin(field.annotation) if field else None
    if kind is None and origin is not dict:
        key, parent = _leaf(loc), table(loc[:-1])
        return (f"{source}: {parent} ยังไม่มี {key} — เพิ่มบรรทัด {key} = \"…\" ไว้ใต้ {parent} "
                f"(missing key {dotted(loc)})")
    needs = [k for k, f in kind.model_fields.items() if f.is_required()] if kind else []
    needs_th = f" ซึ่งต้องมี {', '.join(needs)}" if needs else ""
    if origin is list:
        header = f"[[{dotted(loc)}]]"
        return f"{source}: ยังไม่มี {header} — เพิ่ม {header} อย่างน้อยหนึ่งชุด{needs_th} (missing {header})"
    header = table(loc)
    return f"{source}: ยังไม่มีหัวข้อ {header} — เพิ่มหัวข้อ {header}{needs_th} (missing table {header})"


def unknown(source: Path, loc: Loc, value: Any, known: Sequence[str]) -> str:
    """A key or table the settings do not have: the likely fix and what is allowed there."""
    word = str(loc[-1])
    is_table = isinstance(value, dict) or (isinstance(value, list) and value and
                                           all(isinstance(v, dict) for v in value))
    near = _near(word, known)
    if is_table:
        brackets = "[[{}]]" if isinstance(value, list) else "[{}]"
        name = brackets.format(dotted(loc))
        suggestion = brackets.format(dotted([*loc[:-1], near])) if near else ""
        what = f"ไม่รู้จักหัวข้อ {name}"
        fix = f"ถ้าหมายถึง {suggestion} ให้แก้หัวข้อเป็น {suggestion} " if near else ""
        gloss = f"unknown table {name}"
    else:
        suggestion = near or ""
        what = (f"{table(loc[:-1])} " if loc[:-1] else "") + f"ไม่รู้จักชื่อ {word}"
        fix = f"ถ้าหมายถึง {near} ให้แก้เป็น {near} " if near else ""
        gloss = f"unknown key {dotted(loc)}"
    # Each [[units]] has the same keys: "the keys of [[units]]", not of its second one.
    inside = table([item for item in loc[:-1] if not isinstance(item, int)])
    inside = inside.replace("[", "[[", 1) + "]" if any(isinstance(i, int) for i in loc[:-1]) else inside
    what_is = "หัวข้อที่ใช้ได้คือ" if not loc[:-1] else f"ชื่อที่ใช้ได้ใน {inside} คือ"
    listing = f"{what_is} {', '.join(known)}" if known else "ตรวจการสะกด"
    hint = f"; did you mean {suggestion}?" if near else ""
    return f"{source}: {what} — {fix}{listing} ({gloss}{hint})"


def unknown_category(source: Path, loc: Loc, categories: Sequence[tuple[str, str]]) -> str:
    """`[deadlines.complaint_limits.X]` where X is no complaint category."""
    word = str(loc[-1])
    near = _near(word, [key for key, _ in categories])
    fix = f"ถ้าหมายถึง {near} ให้แก้เป็น {table([*loc[:-1], near])} " if near else ""
    listing = ", ".join(f"{key} ({th})" for key, th in categories)
    return (f"{source}: ไม่รู้จักหัวข้อ {table(loc)} — {fix}ชื่อท้ายหัวข้อต้องเป็นประเภทเรื่องร้องเรียน "
            f"คือ {listing} (unknown complaint category {word})")


def not_one_of(source: Path, loc: Loc, value: str, known: Sequence[str], th_list: str, en: str) -> str:
    """A name that must be one defined elsewhere in the file (a question's aspect)."""
    near = _near(value, known)
    typed = [shown(k) for k in known]
    hint = f" ถ้าหมายถึง {shown(near)} ให้แก้เป็น {shown(near)}" if near else ""
    return invalid(source, loc, value, f"ต้องเป็นชื่อที่มีใน {th_list} คือ {', '.join(typed)}{hint}", en)


def duplicate(source: Path, loc: Loc, value: Any, first: int, rule: str, en: str) -> str:
    """A second entry with a key the first already has (it would replace the first silently)."""
    return (f"{source}: {place(loc)} = {shown(value)} ซ้ำกับชุดที่ {first} — {rule} "
            f"({dotted(loc)}: {en})")


def wrong_kind(source: Path, loc: Loc, written: Path, resolved: Path, problem: str, th: str,
               example: str, en: str, tip: str = "") -> str:
    """A path that exists as the wrong kind of thing (a folder for a file, or the other way)."""
    target = "" if written.is_absolute() else f" ({resolved})"
    return (f"{source}: {place(loc)} = {shown(written)}{target} {problem} — {th} "
            f"เช่น {_leaf(loc)} = {example}{' ' + tip if tip else ''} ({dotted(loc)}: {en})")


def wrong_kind_option(option: str, value: Path, problem: str, th: str, example: str, en: str,
                      tip: str = "") -> str:
    """The same, for a path given on the command line (`--workbook`)."""
    return f"{option} {value}: {problem} — {th} เช่น {option} {example}{' ' + tip if tip else ''} ({en})"


# ---------------------------------------------------------------- pydantic's checks in words


def expected(err: dict[str, Any], value: Any, field: FieldInfo | None) -> tuple[str, str, str, bool]:
    """What the key accepts for one pydantic error: (Thai, English, example as typed, secret)."""
    kind, ctx = err["type"], err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, Expected):
        return error.th, f"expected {error.en}", error.example, error.secret
    default = _default(field)
    if kind == "literal_error":
        typed = [shown(c) for c in re.findall(r"'([^']*)'", str(ctx.get("expected", "")))]
        return f"ต้องเป็น {_either(typed, 'หรือ')}", f"expected {_either(typed, 'or')}", "", False
    if kind.startswith(("int_", "float_", "greater_", "less_")):
        whole = field is not None and field.annotation is int
        low, high = _range(field)
        th = ("ต้องเป็นจำนวนเต็ม" if whole else "ต้องเป็นตัวเลข") + low[0] + high[0]
        if isinstance(value, str):
            th += " พิมพ์โดยไม่ใส่เครื่องหมายคำพูด"
        elif whole and isinstance(value, float):
            th += " ไม่มีทศนิยม"
        en = ("expected a whole number" if whole else "expected a number") + low[1] + high[1]
        return th, en, shown(default) if isinstance(default, (int, float, list)) and default != [] else "", False
    if kind.startswith("bool"):
        return "ต้องเป็น true หรือ false (ตัวพิมพ์เล็ก ไม่ใส่เครื่องหมายคำพูด)", "expected true or false", "", False
    if kind.startswith("string"):
        example = shown(default) if isinstance(default, str) and default else shown(str(value))
        return "ต้องเป็นข้อความในเครื่องหมายคำพูด", "expected text in quotes", example, False
    if kind.startswith(("date", "datetime")):
        example = "[2024-12-31]" if isinstance(default, list) else "2024-03-15"
        return ("ต้องเป็นวันที่แบบ ปี ค.ศ.-เดือน-วัน ไม่ใส่เครื่องหมายคำพูด", "expected a date as YYYY-MM-DD",
                example, False)
    if kind == "path_type":
        return ("ต้องเป็นที่อยู่ไฟล์หรือโฟลเดอร์ในเครื่องหมายคำพูด", "expected a path in quotes",
                shown(default) if isinstance(default, Path) else "", False)
    if kind == "list_type":
        example = shown(default) if default else f"[{shown(value)}]"
        return "ต้องเป็นรายการในวงเล็บเหลี่ยม [ ]", "expected a list [ ]", example, False
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        loc = err["loc"]
        if loc and isinstance(loc[-1], int):
            header = f"[[{dotted(loc[:-1])}]]"
            return f"แต่ละชุดต้องขึ้นหัวข้อ {header} ของตัวเอง", f"expected a table {header}", "", False
        header = table(loc)
        return f"ต้องเป็นหัวข้อ {header} ที่มีค่าต่าง ๆ อยู่ข้างใต้ ไม่ใช่ค่าเดียว", f"expected a table {header}", "", False
    return "ใช้ค่านี้ไม่ได้", str(err.get("msg", kind)).removeprefix("Value error, "), "", False


def _default(field: FieldInfo | None) -> Any:
    if field is None or field.default is PydanticUndefined or isinstance(field.default, BaseModel):
        return None
    return field.default


def _range(field: FieldInfo | None) -> tuple[tuple[str, str], tuple[str, str]]:
    """(" ตั้งแต่ 1", " from 1"), (" ถึง 20", " to 20"), phrased for what the field has."""
    low: Any = None
    high: Any = None
    above = below = False
    for rule in field.metadata if field else ():
        if isinstance(rule, Ge):
            low = rule.ge
        elif isinstance(rule, Gt):
            low, above = rule.gt, True
        elif isinstance(rule, Le):
            high = rule.le
        elif isinstance(rule, Lt):
            high, below = rule.lt, True
    if low is not None and high is not None and not (above or below):
        return (f"ตั้งแต่ {low}", f" from {low}"), (f" ถึง {high}", f" to {high}")
    lower = ((f"ที่มากกว่า {low}", f" more than {low}") if above else
             (f"ตั้งแต่ {low} ขึ้นไป", f", {low} or more") if low is not None else ("", ""))
    upper = ((f" ที่น้อยกว่า {high}", f" less than {high}") if below else
             (f" ไม่เกิน {high}", f" up to {high}") if high is not None else ("", ""))
    return lower, upper


def _kind(field: FieldInfo | None) -> type[BaseModel] | None:
    """The settings table a field holds (itself, or each of its list's items), if any."""
    if field is None:
        return None
    kind: Any = field.annotation
    if get_origin(kind) in (list, dict):
        kind = get_args(kind)[-1]
    if get_origin(kind) in (Union, UnionType):
        kind = next((a for a in get_args(kind) if a is not type(None)), kind)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None
