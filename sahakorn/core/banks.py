"""Thai banks by their Bank of Thailand three-digit code (the code bank files and PromptPay use)."""

THAI_BANKS: dict[str, tuple[str, str]] = {
    "002": ("BBL", "ธนาคารกรุงเทพ"),
    "004": ("KBANK", "ธนาคารกสิกรไทย"),
    "006": ("KTB", "ธนาคารกรุงไทย"),
    "011": ("TTB", "ธนาคารทหารไทยธนชาต"),
    "014": ("SCB", "ธนาคารไทยพาณิชย์"),
    "022": ("CIMBT", "ธนาคารซีไอเอ็มบี ไทย"),
    "024": ("UOBT", "ธนาคารยูโอบี"),
    "025": ("BAY", "ธนาคารกรุงศรีอยุธยา"),
    "030": ("GSB", "ธนาคารออมสิน"),
    "033": ("GHB", "ธนาคารอาคารสงเคราะห์"),
    "034": ("BAAC", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"),
    "066": ("IBANK", "ธนาคารอิสลามแห่งประเทศไทย"),
    "067": ("TISCO", "ธนาคารทิสโก้"),
    "069": ("KKP", "ธนาคารเกียรตินาคินภัทร"),
    "071": ("TCRB", "ธนาคารไทยเครดิต"),
    "073": ("LHFG", "ธนาคารแลนด์ แอนด์ เฮ้าส์"),
}


def bank_name(code: str) -> str:
    short_th = THAI_BANKS.get(code)
    return f"{short_th[1]} ({short_th[0]})" if short_th else code


def bank_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(code, f"{code} {name}") for code, (_short, name) in THAI_BANKS.items()]
