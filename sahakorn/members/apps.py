from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "sahakorn.members"
    label = "members"
    verbose_name = "ทะเบียนสมาชิก"
