"""The seed chart of accounts and the roles the code posts to.

The chart is the team's draft Thai savings-coop chart (shared/data, about a quarter real
codes); a coop replaces it with its own and re-points ``ACCOUNT_ROLES`` in the admin.
"""

import csv
from pathlib import Path

CHART_CSV = Path(__file__).parent / "data" / "chart_of_accounts.csv"

# role key → (seed account code, what posts there)
ACCOUNT_ROLES: dict[str, tuple[str, str]] = {
    "cash": ("11110", "เงินสด"),
    "bank": ("11131", "เงินฝากธนาคารที่ใช้รับ-จ่ายประจำ"),
    "loan_emergency": ("11531", "ลูกหนี้เงินกู้ฉุกเฉิน"),
    "loan_ordinary": ("11533", "ลูกหนี้เงินกู้สามัญ"),
    "loan_special": ("11310", "ลูกหนี้เงินกู้พิเศษ"),
    "receivable_pending_principal": ("11410", "ลูกหนี้รอเรียกเก็บ-ต้นเงินกู้"),
    "receivable_pending_interest": ("11420", "ลูกหนี้รอเรียกเก็บ-ดอกเบี้ย"),
    "accrued_interest_emergency": ("11610", "ดอกเบี้ยค้างรับ-เงินกู้ฉุกเฉิน"),
    "accrued_interest_ordinary": ("11620", "ดอกเบี้ยค้างรับ-เงินกู้สามัญ"),
    "accrued_interest_special": ("11630", "ดอกเบี้ยค้างรับ-เงินกู้พิเศษ"),
    "deposit_savings": ("21410", "เงินรับฝากออมทรัพย์"),
    "deposit_special_savings": ("21420", "เงินรับฝากออมทรัพย์พิเศษ"),
    "deposit_fixed": ("21430", "เงินรับฝากประจำ"),
    "deposit_interest_payable": ("21500", "ดอกเบี้ยเงินรับฝากค้างจ่าย"),
    "share_refund_payable": ("21600", "หุ้นรอจ่ายคืน"),
    "dividend_payable": ("21710", "เงินปันผลค้างจ่าย"),
    "average_return_payable": ("21720", "เงินเฉลี่ยคืนค้างจ่าย"),
    "member_refund_payable": ("21830", "เงินรอจ่ายคืนสมาชิก"),
    "suspense_receipts": ("21840", "เงินรับรอตรวจสอบ"),
    "funeral_dues_collected": ("21850", "เงินสงเคราะห์ศพรับแทนสมาคม"),
    "share_capital": ("31000", "ทุนเรือนหุ้น"),
    "reserve_fund": ("32000", "ทุนสำรอง"),
    "welfare_fund": ("33200", "ทุนสวัสดิการสมาชิก"),
    "scholarship_fund": ("33400", "ทุนการศึกษาบุตรสมาชิก"),
    "net_profit": ("35000", "กำไร(ขาดทุน)สุทธิประจำปี"),
    "interest_income_emergency": ("41100", "ดอกเบี้ยรับ-เงินกู้ฉุกเฉิน"),
    "interest_income_ordinary": ("41200", "ดอกเบี้ยรับ-เงินกู้สามัญ"),
    "interest_income_special": ("41300", "ดอกเบี้ยรับ-เงินกู้พิเศษ"),
    "entrance_fee_income": ("42050", "ค่าธรรมเนียมแรกเข้า"),
    "other_fee_income": ("42060", "ค่าธรรมเนียมอื่น"),
    "deposit_interest_expense": ("51100", "ดอกเบี้ยจ่ายเงินรับฝาก"),
    "welfare_expense": ("52100", "ค่าสวัสดิการสมาชิก"),
    "bank_charges": ("55300", "ค่าธรรมเนียมธนาคาร"),
}


def chart_rows() -> list[dict[str, str]]:
    with CHART_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))
