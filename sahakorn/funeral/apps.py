from django.apps import AppConfig


class FuneralConfig(AppConfig):
    name = "sahakorn.funeral"
    label = "funeral"
    verbose_name = "สมาคมฌาปนกิจสงเคราะห์"

    def ready(self) -> None:
        from sahakorn.funeral.views import member_section_context
        from sahakorn.members.sections import MemberSection, member_section_register

        # The association card on the member page (หน้าข้อมูลสมาชิก).
        member_section_register(
            MemberSection(
                key="funeral",
                title="สมาคมฌาปนกิจสงเคราะห์",
                template="funeral/member_section.html",
                permission="funeral.view_funeralmembership",
                context=member_section_context,
            )
        )
