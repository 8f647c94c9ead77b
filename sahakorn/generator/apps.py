from django.apps import AppConfig


class GeneratorConfig(AppConfig):
    name = "sahakorn.generator"
    label = "generator"
    verbose_name = "สหกรณ์ตัวอย่าง"
