from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "sahakorn.loans"
    label = "loans"
    verbose_name = "เงินกู้และการค้ำประกัน"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from sahakorn.loans.debts import LOAN_ROLES, loan_member_debts, loan_settlements_reverse
        from sahakorn.loans.selectors import guarantees_section_context, loans_section_context
        from sahakorn.loans.services import guarantor_resignation_blockers, on_member_status_change
        from sahakorn.members.leaving import resignation_check_register
        from sahakorn.members.models import MemberStatusChange
        from sahakorn.members.sections import MemberSection, member_section_register
        from sahakorn.shares.debts import debt_settlement_reversal_register, member_debt_provider_register

        # Shares settle a leaving member's loans through the contracts, not only the GL balance.
        member_debt_provider_register(loan_member_debts, roles=LOAN_ROLES)
        debt_settlement_reversal_register(loan_settlements_reverse)
        resignation_check_register(guarantor_resignation_blockers)
        # A guarantor who resigns, dies or is expelled flags the contracts they guarantee.
        post_save.connect(
            on_member_status_change, sender=MemberStatusChange, dispatch_uid="loans_guarantor_left"
        )
        member_section_register(
            MemberSection(
                key="loans",
                title="เงินกู้",
                template="loans/member_section.html",
                permission="loans.view_loancontract",
                context=loans_section_context,
            )
        )
        member_section_register(
            MemberSection(
                key="guarantees",
                title="การค้ำประกัน",
                template="loans/member_guarantees.html",
                permission="loans.view_loancontract",
                context=guarantees_section_context,
            )
        )
