from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "sahakorn.welfare"
    label = "welfare"
    verbose_name = "สวัสดิการและทุนการศึกษา"

    def ready(self) -> None:
        from sahakorn.members.sections import MemberSection, member_section_register
        from sahakorn.welfare.views import member_section_context

        # The welfare card on the member page (หน้าข้อมูลสมาชิก) replaces its placeholder.
        member_section_register(
            MemberSection(
                key="welfare",
                title="สวัสดิการ",
                template="welfare/member_section.html",
                permission="welfare.view_welfareclaim",
                context=member_section_context,
            )
        )
