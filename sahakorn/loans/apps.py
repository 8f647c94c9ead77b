from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "sahakorn.loans"
    label = "loans"
    verbose_name = "เงินกู้และการค้ำประกัน"
