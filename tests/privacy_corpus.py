"""The privacy corpus: sentences as citizens and staff really type them into the satisfaction
form, the complaint register and the plan, each with the personal data it contains marked.

`private` lists the exact substrings that identify someone (a name, a family name, a house
number with its village, a phone, an id, an e-mail, a LINE id). A given name that is also an
everyday word (ทดสอบ "test", อำนาจ "power") is marked with its family name, so that the scan of
a whole report does not mistake the report's own wording for a leak; likewise a village
number is marked with the house number it locates ("ถนนหมู่ 5 ชำรุด" names a place, not a
person, and stays). Nothing marked may reach a
public output or an e-mail; every word not marked must come through masking unchanged.
Sentences with `private=()` hold no personal data at all and must survive whole.

Staff names without a title ("สมชาย ใจร้าย") are those in config/settings.toml's
`[privacy] staff_names`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    text: str
    private: tuple[str, ...] = ()


CORPUS: tuple[Sample, ...] = (
    # ---- names after titles and forms of address, with and without a space
    Sample("ผมชื่อนายวิชัย ศรีสุข บ้านเลขที่ ๑๒/๓ หมู่ ๔ ครับ", ("วิชัย", "ศรีสุข", "๑๒/๓", "๑๒/๓ หมู่ ๔")),
    Sample("คุณสมชาย ใจดี", ("สมชาย ใจดี",)),
    Sample("น.ส.จันทร์เพ็ญ แสงดี มาติดต่อขอใบอนุญาต", ("จันทร์เพ็ญ", "แสงดี")),
    Sample("นายสมศักดิ์ มั่นคง นายช่างโยธา เรียกรับเงินค่าตรวจแบบ", ("สมศักดิ์", "มั่นคง")),
    Sample("อื่นๆ นายทดสอบ ระบบดี โทร 089-999-1234 test@mail.com",
           ("ทดสอบ ระบบดี", "ระบบดี", "089-999-1234", "test@mail.com")),
    Sample("นาง บุญมี ทองคำ แจ้งว่าไฟฟ้าส่องสว่างดับ", ("บุญมี", "ทองคำ")),
    Sample("นางสาวกาญจนา ศรีประเสริฐ ยื่นคำร้องแล้วยังไม่ได้รับการติดต่อกลับ", ("กาญจนา", "ศรีประเสริฐ")),
    Sample("ด.ช.ธนากร พรหมมา ขอรับทุนการศึกษา", ("ธนากร", "พรหมมา")),
    Sample("ด.ญ. ปิยะนุช แก้วประเสริฐ โดนสุนัขกัดหน้าโรงเรียน", ("ปิยะนุช", "แก้วประเสริฐ")),
    Sample("เด็กชายอนุชา บุญเรือง ตกท่อระบายน้ำ", ("อนุชา", "บุญเรือง")),
    Sample("ผู้ใหญ่สมหมาย ช่วยประสานให้แล้ว", ("สมหมาย",)),
    Sample("กำนันประยูร ทองสุข ขอให้เร่งซ่อมถนน", ("ประยูร", "ทองสุข")),
    Sample("ผอ.วิโรจน์ บอกว่าจะส่งช่างมาดูให้", ("วิโรจน์",)),
    Sample("ร.ต.อ.สุรเชษฐ์ พันธุ์ดี รับแจ้งความเรื่องลักทรัพย์", ("สุรเชษฐ์", "พันธุ์ดี")),
    Sample("พ.ต.ท. อำนาจ ศรีวงศ์ เข้าร่วมประชุม", ("อำนาจ ศรีวงศ์", "ศรีวงศ์")),
    Sample("จ.ส.อ.ประเสริฐ ชัยมงคล ร้องเรียนเสียงดังจากโรงงาน", ("ประเสริฐ ชัยมงคล", "ชัยมงคล")),
    Sample("อส.สมพงษ์ ยืนเฝ้าจุดตรวจทั้งคืน", ("สมพงษ์",)),
    Sample("ขอบคุณคุณวันดีที่ช่วยกรอกแบบฟอร์มให้ค่ะ", ("วันดี",)),
    Sample("คุณสุดารัตน์ให้บริการดีมาก ยิ้มแย้มแจ่มใส", ("สุดารัตน์",)),
    Sample("เจ้าหน้าที่ชื่อคุณพรทิพย์ พูดจาไม่สุภาพ", ("พรทิพย์",)),
    Sample("ป้าสมศรีมาติดต่อเรื่องเบี้ยยังชีพผู้สูงอายุ", ("สมศรี",)),
    Sample("ลุงบุญส่ง ชาวนา ขอน้ำประปาเพิ่ม", ("บุญส่ง",)),
    Sample("แจ้งโดยนายประสิทธิ์ วงศ์ใหญ่ (ผู้ร้อง)", ("ประสิทธิ์", "วงศ์ใหญ่")),
    # ---- staff listed in the settings, typed without a title
    Sample("สมชาย ใจร้าย พูดจาไม่ดี ไม่ยอมรับเรื่อง", ("สมชาย ใจร้าย",)),
    Sample("อยากชมวันเพ็ญ ศรีสวัสดิ์ ที่งานทะเบียน บริการรวดเร็ว", ("วันเพ็ญ ศรีสวัสดิ์",)),
    Sample("ร้องเรียนสมศักดิ์ มั่นคง เรื่องเรียกเงินใต้โต๊ะ", ("สมศักดิ์ มั่นคง",)),
    # ---- houses and villages
    Sample("บ้านเลขที่ 45/2 หมู่ 3 น้ำประปาไม่ไหลมาสามวันแล้ว", ("45/2", "45/2 หมู่ 3")),
    Sample("อยู่ 99/12 ม.7 ต.บ้านสวน ถนนหน้าบ้านเป็นหลุม", ("99/12", "99/12 ม.7")),
    Sample("บ้านเลขที่๑๒๓/๔ หมู่ที่ ๖ มีกลิ่นเหม็นจากฟาร์มหมู", ("๑๒๓/๔", "๑๒๓/๔ หมู่ที่ ๖")),
    Sample("เลขที่ 7/1 หมู่ 2 ขอให้ตัดต้นไม้ที่ล้มขวางทาง", ("7/1", "7/1 หมู่ 2")),
    # ---- LINE, phones, ids, e-mails
    Sample("ติดต่อไลน์ @somchai99", ("@somchai99",)),
    Sample("ไอดีไลน์ kanya.p2530 ทักมาได้ตลอด", ("kanya.p2530",)),
    Sample("line id: noina_1988 ครับ", ("noina_1988",)),
    Sample("โทร 089-999-1234", ("089-999-1234",)),
    Sample("เบอร์ ๐๘๑-๒๓๔-๕๖๗๘ ติดต่อกลับด้วยค่ะ", ("๐๘๑-๒๓๔-๕๖๗๘",)),
    Sample("ติดต่อ 0812345678 หรือ 02-123-4567 ในเวลาราชการ", ("0812345678", "02-123-4567")),
    Sample("เลขบัตรประชาชน 1-2345-67890-12-3 ยื่นแล้ว", ("1-2345-67890-12-3",)),
    Sample("ส่งเอกสารมาที่ wichai.s@gmail.com นะครับ", ("wichai.s@gmail.com",)),
    Sample("Please call Mr. John Carter at +66 81 234 5678", ("John", "Carter", "+66 81 234 5678")),
    Sample("ติดต่อ Khun Nattaya (LINE: nattaya.k) for the permit", ("Nattaya", "nattaya.k")),
    Sample("complaint from นางมาลี มีสุข tel 086 555 1212", ("มาลี", "มีสุข", "086 555 1212")),
    # ---- several kinds at once
    Sample("นายเกรียงไกร ดวงดี บ้านเลขที่ 8/3 หมู่ 1 โทร 081-111-2233 แจ้งท่อประปาแตก",
           ("เกรียงไกร", "ดวงดี", "8/3", "8/3 หมู่ 1", "081-111-2233")),
    Sample("คุณอรุณี (ไลน์ @arunee.r) ฝากเรื่องไฟถนนดับหน้าบ้านเลขที่ 17 หมู่ 9",
           ("อรุณี", "@arunee.r", "17 หมู่ 9")),
    Sample("ผู้ร้อง น.ส.ศิริพร ใจงาม ๐๙๘-๗๖๕-๔๓๒๑ ขอให้ตรวจสอบการจัดซื้อ",
           ("ศิริพร", "ใจงาม", "๐๙๘-๗๖๕-๔๓๒๑")),
    Sample("ร้องเรียนนายธีรวัฒน์ สุขสม จนท.กองคลัง เก็บเงินเกินใบเสร็จ", ("ธีรวัฒน์", "สุขสม")),
    Sample("นางสาวพิมพ์ชนก รุ่งเรือง\nโทร 0891234567\nอีเมล pim.r@hotmail.com",
           ("พิมพ์ชนก", "รุ่งเรือง", "0891234567", "pim.r@hotmail.com")),
    # ---- no personal data: every word must come through unchanged
    Sample("ไม่มีที่จอดรถ ห้องน้ำไม่มีสบู่"),
    Sample("บริการดีมาก เจ้าหน้าที่ยิ้มแย้ม"),
    Sample("คุณภาพการให้บริการดีขึ้นกว่าปีที่แล้ว"),
    Sample("นายก อบต. ลงพื้นที่ตรวจน้ำท่วมเร็วมาก"),
    Sample("ผู้ใหญ่บ้านหมู่ 4 ช่วยเหลือดี"),
    Sample("ถนนหมู่ 5 ชำรุดเป็นหลุมเป็นบ่อ"),
    Sample("รอคิวนาน 45 นาที ควรเพิ่มช่องบริการ"),
    Sample("อยากให้มีบริการออนไลน์ผ่าน LINE"),
    Sample("ค่าธรรมเนียม 1,500 บาท แพงเกินไป"),
    Sample("เปิด 08.30-16.30 น. ควรเปิดวันเสาร์ด้วย"),
    Sample("คุณธรรมและความโปร่งใสของหน่วยงานดีขึ้น"),
    Sample("ไม่ระบุ"),
    Sample("-"),
    Sample("ป้ายบอกทางไม่ชัดเจน หาห้องไม่เจอ"),
    Sample("พี่ๆ เจ้าหน้าที่ใจดีทุกคน"),
    Sample("แอร์ไม่เย็น น้ำดื่มหมด"),
    Sample("the staff were polite and fast"),
    Sample("ขอบคุณครับ บริการรวดเร็วทันใจ"),
    Sample("ควรมีที่นั่งรอสำหรับผู้สูงอายุ"),
    Sample("หนังสือเลขที่ 123/2567 ยังไม่ได้รับ"),
)

PRIVATE: tuple[str, ...] = tuple(dict.fromkeys(p for s in CORPUS for p in s.private))
