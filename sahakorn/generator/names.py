"""Thai names and places for generated coops, with romanised forms for the English fields."""

MALE_FIRST = [
    ("สมชาย", "Somchai"), ("สมศักดิ์", "Somsak"), ("ประเสริฐ", "Prasert"), ("วิชัย", "Wichai"),
    ("สุรชัย", "Surachai"), ("อนุชา", "Anucha"), ("ธนากร", "Thanakorn"), ("กิตติพงษ์", "Kittipong"),
    ("ณัฐพล", "Nattapon"), ("ปิยะ", "Piya"), ("วีระพงษ์", "Weerapong"), ("ชัยวัฒน์", "Chaiwat"),
    ("บุญมี", "Bunmee"), ("สุทธิพงษ์", "Sutthipong"), ("เกียรติศักดิ์", "Kiattisak"), ("พงศกร", "Pongsakorn"),
    ("อภิชาติ", "Aphichat"), ("ธีรวัฒน์", "Theerawat"), ("จักรพันธ์", "Jakkaphan"), ("ศุภชัย", "Supachai"),
    ("มานพ", "Manop"), ("ไพโรจน์", "Pairoj"), ("ยุทธนา", "Yutthana"), ("สมพงษ์", "Sompong"),
]  # fmt: skip
FEMALE_FIRST = [
    ("สมหญิง", "Somying"), ("สุภาพร", "Supaporn"), ("วันเพ็ญ", "Wanpen"), ("มาลี", "Malee"),
    ("กาญจนา", "Kanchana"), ("นงลักษณ์", "Nongluck"), ("พรทิพย์", "Pornthip"), ("ศิริพร", "Siriporn"),
    ("อรุณี", "Arunee"), ("จันทร์เพ็ญ", "Janpen"), ("ปราณี", "Pranee"), ("รัตนา", "Rattana"),
    ("สุนันทา", "Sunanta"), ("วิไลวรรณ", "Wilaiwan"), ("ณัฐธิดา", "Nattida"), ("ธิดารัตน์", "Thidarat"),
    ("เบญจวรรณ", "Benjawan"), ("อัญชลี", "Anchalee"), ("ลำดวน", "Lamduan"), ("ขวัญใจ", "Kwanjai"),
    ("พิมพ์ชนก", "Pimchanok"), ("ชุติมา", "Chutima"), ("สายสุนีย์", "Saisunee"), ("ดวงใจ", "Duangjai"),
]  # fmt: skip
LAST = [
    ("ใจดี", "Jaidee"), ("สุขสวัสดิ์", "Suksawat"), ("ศรีสุข", "Srisuk"), ("บุญเรือง", "Bunruang"),
    ("แก้วมณี", "Kaewmanee"), ("ทองดี", "Thongdee"), ("พรหมมา", "Phromma"), ("สายทอง", "Saithong"),
    ("วงศ์ใหญ่", "Wongyai"), ("จันทร์แก้ว", "Jankaew"), ("มีสุข", "Meesuk"), ("ศรีวงศ์", "Sriwong"),
    ("เพชรรัตน์", "Phetcharat"), ("รักษาศรี", "Raksasri"), ("บุญมา", "Bunma"), ("นาคสวัสดิ์", "Naksawat"),
    ("ชัยมงคล", "Chaimongkol"), ("ประเสริฐสุข", "Prasertsuk"), ("อินทร์แก้ว", "Inkaew"), ("สมบูรณ์", "Somboon"),
    ("ทองคำ", "Thongkham"), ("พูลสวัสดิ์", "Poonsawat"), ("กิตติวงศ์", "Kittiwong"), ("ศักดิ์สิทธิ์", "Saksit"),
    ("วิเศษศักดิ์", "Wisetsak"), ("แสงทอง", "Saengthong"), ("บัวแก้ว", "Buakaew"), ("เรืองศรี", "Ruangsri"),
    ("ปัญญาดี", "Panyadee"), ("หอมจันทร์", "Homjan"), ("ธรรมวงศ์", "Thammawong"), ("สุวรรณรัตน์", "Suwannarat"),
]  # fmt: skip
DISTRICTS = [
    "เมือง", "บ้านโป่ง", "โพธาราม", "ดำเนินสะดวก", "บางแพ", "ปากท่อ", "จอมบึง", "สวนผึ้ง",
    "วัดเพลง", "บ้านคา", "ท่าม่วง", "ท่ามะกา", "พนมทวน", "ห้วยกระเจา", "เลาขวัญ", "ด่านมะขามเตี้ย",
]  # fmt: skip
VILLAGES = [
    "หนองบัว", "ดอนตูม", "ท่าช้าง", "หนองปลาดุก", "โคกหม้อ", "วังเย็น", "ห้วยไผ่", "เขาแดง", "บ่อตะคร้อ",
    "นาหนอง", "หนองกระทุ่ม", "ดอนแร่", "ทุ่งหลวง", "สระโบสถ์", "คุ้งกระถิน", "หนองหญ้าปล้อง",
    "ท่าเคย", "บางกะจะ", "วังมะนาว", "โป่งกระทิง",
]  # fmt: skip
PROVINCE = "ราชบุรี"
STREETS = ["ถนนเพชรเกษม", "ถนนศรีสุริยวงศ์", "ถนนคฑาธร", "ถนนอำมาตย์", "ถนนไกรเพชร"]
