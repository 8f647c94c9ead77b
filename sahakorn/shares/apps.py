from django.apps import AppConfig


class SharesConfig(AppConfig):
    name = "sahakorn.shares"
    label = "shares"
    verbose_name = "ทุนเรือนหุ้น"

    def ready(self) -> None:
        from sahakorn.members.sections import MemberSection, member_section_register
        from sahakorn.shares.report_views import member_section_context

        # The shares card on the member page (หน้าข้อมูลสมาชิก) replaces its placeholder.
        member_section_register(
            MemberSection(
                key="shares",
                title="ทุนเรือนหุ้น",
                template="shares/member_section.html",
                permission="shares.view_shareaccount",
                context=member_section_context,
            )
        )
