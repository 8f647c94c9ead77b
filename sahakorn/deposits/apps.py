from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "sahakorn.deposits"
    label = "deposits"
    verbose_name = "เงินฝาก"

    def ready(self) -> None:
        from sahakorn.deposits.views import member_section_context
        from sahakorn.members.sections import MemberSection, member_section_register

        # The deposits card on the member page (หน้าข้อมูลสมาชิก) replaces its placeholder.
        member_section_register(
            MemberSection(
                key="deposits",
                title="เงินฝาก",
                template="deposits/member_section.html",
                permission="deposits.view_depositaccount",
                context=member_section_context,
            )
        )
