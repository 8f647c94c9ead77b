from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "sahakorn.welfare"
    label = "welfare"
    verbose_name = "สวัสดิการและทุนการศึกษา"
