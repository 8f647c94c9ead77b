from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "sahakorn.deposits"
    label = "deposits"
    verbose_name = "เงินฝาก"
