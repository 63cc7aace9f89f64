"""Google Sheets problems as one line a clerk can act on: Thai first with a short English gloss,
English alone with `--lang en` (`[run] language = "en"`).

Each line says where (the spreadsheet, the settings key), what is wrong, and the fix with what
to type or press exactly as Google Sheets shows it (ปุ่ม แชร์, สิทธิ์ ผู้แก้ไข). Only words live
here; `automation.workbook.gsheets` decides what went wrong.
"""

from __future__ import annotations

ID_EXAMPLE = 'spreadsheet_id = "1AbCdEfGhIjKlMnOp"'
# The calls of automation.workbook.gsheets, as a clerk would name them.
CALLS_TH = {
    "read sheet list": "อ่านรายชื่อแผ่นงาน",
    "read values": "อ่านข้อมูลในแผ่นงาน",
    "update sheets and notes": "ปรับแผ่นงานและหมายเหตุ",
    "write values": "เขียนผลการตรวจ",
    "add sheets": "เพิ่มแผ่นงาน",
    "write headers": "เขียนหัวตาราง",
    "read header rows": "อ่านหัวตาราง",
}


def _en(lang: str) -> bool:
    return lang == "en"


def call_name(what: str, lang: str) -> str:
    return what if _en(lang) else CALLS_TH.get(what, what)


def no_answer_in_time(lang: str) -> str:
    return "no answer in time" if _en(lang) else "ไม่ตอบภายในเวลาที่กำหนด"


def cannot_connect(host: str, reason: str, lang: str) -> str:
    return f"cannot connect to {host} ({reason})" if _en(lang) else f"เชื่อมต่อ {host} ไม่ได้ ({reason})"


def empty_answer(status: int, lang: str) -> str:
    return (f"HTTP {status} with no explanation in the answer" if _en(lang) else
            f"HTTP {status} โดยไม่มีคำอธิบาย")


def empty_id(source: object, lang: str) -> str:
    if _en(lang):
        return (f"{source}: key 'gsheets.spreadsheet_id' is empty; copy the id from the sheet's URL "
                f"(docs.google.com/spreadsheets/d/<ID>/edit), e.g. {ID_EXAMPLE}")
    return (f"{source}: [gsheets] spreadsheet_id ยังว่าง — คัดลอกรหัสจากที่อยู่ของชีต "
            f"docs.google.com/spreadsheets/d/<รหัส>/edit มาใส่ เช่น {ID_EXAMPLE} "
            "(gsheets.spreadsheet_id is empty)")


def gave_up(what: str, attempts: int, seconds: float, last: str, connection: bool, lang: str) -> str:
    if _en(lang):
        hint = "; check [gsheets] api_base_url and the network" if connection else ""
        return (f"Google Sheets did not answer '{what}' after {attempts} attempts in {seconds:.0f} s "
                f"(last: {last}){hint}; nothing more was written — the next run will try again")
    check = "ตรวจ [gsheets] api_base_url และการเชื่อมต่ออินเทอร์เน็ต " if connection else ""
    return (f"Google Sheets ไม่ตอบเมื่อ{call_name(what, lang)} ลอง {attempts} ครั้งใน {seconds:.0f} วินาที "
            f"(ครั้งสุดท้าย: {last}) — {check}ยังไม่ได้เขียนอะไรเพิ่ม รอบถัดไปจะลองใหม่เอง "
            "(Google Sheets did not answer)")


def not_sheets_api(sid: str, lang: str) -> str:
    if _en(lang):
        return (f"spreadsheet {sid}: the server answered 404 (not found) with no explanation, so it is "
                "probably not the Sheets API; check [gsheets] api_base_url (empty for Google itself) "
                "and spreadsheet_id")
    return (f"สเปรดชีต {sid}: เซิร์ฟเวอร์ตอบ 404 (ไม่พบ) โดยไม่มีคำอธิบาย จึงน่าจะไม่ใช่ Google Sheets — "
            'ตรวจ [gsheets] api_base_url (ใช้ Google จริงให้เว้นว่าง api_base_url = "") และ spreadsheet_id '
            "(404 with no explanation: not the Sheets API)")


def not_shared(sid: str, client_email: str, lang: str) -> str:
    """The first-hour error of every office: the service account cannot open the sheet."""
    if _en(lang):
        who = client_email or "the service account's e-mail address (client_email in the JSON key)"
        return (f"spreadsheet {sid}: access denied; share it with {who} as Editor "
                "(Share button in Google Sheets)")
    who = f"อีเมล {client_email}" if client_email else "อีเมลของบัญชีบริการ (ค่า client_email ในไฟล์กุญแจ JSON)"
    gloss = client_email or "the service account"
    return (f"สเปรดชีต {sid}: บัญชีบริการยังไม่ได้รับสิทธิ์เปิดสเปรดชีตนี้ — เปิดสเปรดชีตใน Google Sheets "
            f"กดปุ่ม แชร์ (มุมขวาบน) ใส่{who} เลือกสิทธิ์ ผู้แก้ไข แล้วกด ส่ง จากนั้นสั่งใหม่ "
            f"(access denied: share it with {gloss} as Editor)")


def not_found(sid: str, lang: str) -> str:
    if _en(lang):
        return f"spreadsheet {sid} not found; check [gsheets] spreadsheet_id in the settings"
    return (f"สเปรดชีต {sid}: ไม่พบใน Google Sheets — ตรวจ [gsheets] spreadsheet_id ให้ตรงกับรหัสในที่อยู่ของชีต "
            f"docs.google.com/spreadsheets/d/<รหัส>/edit เช่น {ID_EXAMPLE} (spreadsheet {sid} not found)")


def rejected_key(lang: str) -> str:
    if _en(lang):
        return "Google rejected the credentials (401); check the service-account key"
    return ("Google ไม่รับกุญแจของบัญชีบริการ (401) — ดาวน์โหลดกุญแจ JSON ใหม่ของบัญชีบริการจาก Google Cloud "
            "แล้ววางแทนไฟล์ที่ [gsheets] credentials_file (Google rejected the credentials)")


def refused(sid: str, what: str, detail: str, lang: str) -> str:
    if _en(lang):
        return f"Google Sheets refused '{what}': {detail}"
    return (f"สเปรดชีต {sid}: Google Sheets ไม่ยอม{call_name(what, lang)} ({detail}) — ตรวจตามข้อความในวงเล็บ "
            f"แล้วสั่งใหม่ (Google Sheets refused '{what}')")


def no_token(detail: str, lang: str) -> str:
    if _en(lang):
        return f"could not get a Google access token ({detail}); check the service-account key and the network"
    return (f"ขอสิทธิ์เข้าใช้จาก Google ไม่ได้ ({detail}) — ตรวจการเชื่อมต่ออินเทอร์เน็ต และกุญแจ JSON "
            "ของบัญชีบริการ (ถ้ากุญแจถูกลบใน Google Cloud ให้ดาวน์โหลดกุญแจใหม่) (could not get a Google access token)")


def failed(sid: str, what: str, detail: str, lang: str) -> str:
    if _en(lang):
        return f"Google Sheets '{what}' failed: {detail}"
    return (f"สเปรดชีต {sid}: {call_name(what, lang)}ไม่สำเร็จ ({detail}) — สั่งใหม่อีกครั้ง ถ้ายังไม่ได้ "
            f"ให้สั่งโดยเติม --verbose แล้วส่งข้อความให้ผู้ดูแลระบบ (Google Sheets '{what}' failed)")


def sheet_missing(sid: str, title: str, lang: str) -> str:
    if _en(lang):
        return f"spreadsheet {sid}: sheet '{title}' is missing"
    return (f"สเปรดชีต {sid}: ไม่พบแผ่นงาน «{title}» — มีคนเปลี่ยนชื่อหรือลบแผ่นงานนี้ระหว่างรอบ "
            f"ตั้งชื่อแผ่นงานกลับเป็น {title} แล้วสั่งใหม่ (sheet '{title}' is missing)")


def key_file_missing(source: object, value: str, path: object, lang: str) -> str:
    if _en(lang):
        return (f"{source}: key 'gsheets.credentials_file' ({path}): file not found; "
                "download the service account's JSON key there")
    return (f'{source}: [gsheets] credentials_file = "{value}" ไม่พบไฟล์ {path} — ดาวน์โหลดกุญแจ JSON '
            "ของบัญชีบริการจาก Google Cloud (IAM → Service accounts → Keys → Add key → JSON) "
            f"แล้ววางไว้ที่ {path} (gsheets.credentials_file: file not found)")


def no_credentials(source: object, env: str, lang: str) -> str:
    if _en(lang):
        return (f"{source}: no Google credentials; set 'gsheets.credentials_file' to the service "
                f"account's JSON key, or put the key in the environment variable {env}")
    return (f"{source}: ยังไม่ได้ตั้งกุญแจของบัญชีบริการ Google — ใส่ใต้ [gsheets] เช่น "
            f'credentials_file = "/etc/automation/service-account.json" หรือใส่เนื้อหากุญแจ JSON '
            f"ในตัวแปรสภาพแวดล้อม {env} (no Google credentials)")


def bad_key(source: object, env: str | None, path: object, problem: ValueError, lang: str) -> str:
    """A key that is there but cannot be used; `problem` is gsheets_transport's KeyProblem
    (its Thai and a short gloss) or any ValueError (its text)."""
    th = getattr(problem, "th", str(problem))
    gloss = getattr(problem, "gloss", str(problem))
    if _en(lang):
        where = (f"{source}: key 'gsheets.credentials_file' ({path})" if env is None
                 else f"environment variable {env}")
        return f"{where}: {problem}; download a new JSON key for the service account"
    where = f"{source}: [gsheets] credentials_file ({path})" if env is None else f"ตัวแปร {env}"
    put = f"แล้ววางแทนไฟล์ {path} โดยไม่แก้ไข" if env is None else f"แล้วใส่เนื้อหาทั้งไฟล์ในตัวแปร {env}"
    return (f"{where}: {th} — ดาวน์โหลดกุญแจ JSON ใหม่ของบัญชีบริการจาก Google Cloud {put} "
            f"({'gsheets.credentials_file' if env is None else env}: unusable service-account key, {gloss})")
