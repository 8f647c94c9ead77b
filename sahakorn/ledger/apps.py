from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sahakorn.ledger"
    label = "ledger"
    verbose_name = "บัญชีแยกประเภท"
