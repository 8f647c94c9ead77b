from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "sahakorn.billing"
    label = "billing"
    verbose_name = "เรียกเก็บรายเดือน"
