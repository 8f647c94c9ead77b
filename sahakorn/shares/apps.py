from django.apps import AppConfig


class SharesConfig(AppConfig):
    name = "sahakorn.shares"
    label = "shares"
    verbose_name = "ทุนเรือนหุ้น"
