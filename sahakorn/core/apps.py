from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "sahakorn.core"
    label = "core"
    verbose_name = "ระบบกลาง"

    def ready(self) -> None:
        from sahakorn.core import lookups  # noqa: F401  (registers ``__any_of``)
        from sahakorn.core.roles import roles_sync

        # After the last app, so every permission the roles name exists.
        post_migrate.connect(roles_sync, dispatch_uid="sahakorn.roles_sync")
