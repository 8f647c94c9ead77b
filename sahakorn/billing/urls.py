from django.urls import path

from sahakorn.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.periods, name="periods"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/preview/", views.cycle_preview, name="cycle_preview"),
    path("cycles/<int:pk>/freeze/", views.cycle_freeze, name="cycle_freeze"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/units/<int:unit_id>/file/", views.unit_file_download, name="unit_file"),
    path("cycles/<int:pk>/units/<int:unit_id>/invoice/", views.unit_invoice, name="unit_invoice"),
    path("cycles/<int:pk>/units/<int:unit_id>/import/", views.unit_import, name="unit_import"),
    path("cycles/<int:pk>/units/<int:unit_id>/post/", views.unit_post, name="unit_post"),
    path("cycles/<int:pk>/post-all/", views.cycle_post_all, name="cycle_post_all"),
    path("cycles/<int:pk>/bank/file/", views.cycle_bank_file, name="cycle_bank_file"),
    path("cycles/<int:pk>/bank/post/", views.cycle_bank_post, name="cycle_bank_post"),
    path("bank-debits/", views.bank_debit_mandates, name="bank_debits"),
    path("bank-debits/<int:pk>/end/", views.bank_debit_mandate_end, name="bank_debit_end"),
    path("postings/<int:pk>/", views.posting, name="posting"),
    path("postings/<int:pk>/receipts.pdf", views.posting_receipts_pdf, name="posting_receipts"),
    path("receipts/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("bills/<int:pk>/", views.bill, name="bill"),
    path("over-deductions/", views.over_deductions, name="over_deductions"),
    path(
        "over-deductions/standing/",
        views.over_deductions_refund_standing,
        name="over_deductions_refund_standing",
    ),
    path("over-deductions/<int:pk>/refund/", views.over_deduction_refund, name="over_deduction_refund"),
    path("refund-choices/", views.refund_choices, name="refund_choices"),
    path("refund-choices/<int:pk>/clear/", views.refund_choice_clear, name="refund_choice_clear"),
]
