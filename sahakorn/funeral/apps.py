from django.apps import AppConfig


class FuneralConfig(AppConfig):
    name = "sahakorn.funeral"
    label = "funeral"
    verbose_name = "สมาคมฌาปนกิจสงเคราะห์"
