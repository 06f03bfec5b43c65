from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from tasks.proposals import letter_views, views


class ProposalApplication(Application):
    """建议提案: the suggestions and proposals of the user's departments."""

    title = _("Suggestions and proposals")
    icon = "description"
    app_name = "proposals"
    menu_template_name = "proposals/proposal_menu.html"

    index_path = path("", views.ProposalListView.as_view(), name="index")
    proposal_register_path = path("register/", views.ProposalRegisterView.as_view(), name="proposal_register")
    proposal_detail_path = path("<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail")
    attachment_add_path = path("<int:pk>/attachments/", views.attachment_add, name="attachment_add")
    attachment_download_path = path(
        "attachments/<int:pk>/", views.attachment_download, name="attachment_download"
    )
    sign_for_path = path("sign-for/<int:task_pk>/", views.sign_for, name="sign_for")
    contact_add_path = path("replies/<int:pk>/contact/", views.ContactAddView.as_view(), name="contact_add")
    reassignment_request_path = path(
        "replies/<int:pk>/reassignment/", views.ReassignmentRequestView.as_view(), name="reassignment_request"
    )
    follow_up_path = path("replies/<int:pk>/follow-up/", views.follow_up_open, name="follow_up_open")
    secretariat_work_path = path("office/", views.SecretariatWorkView.as_view(), name="secretariat_work")
    reassignment_decide_path = path(
        "reassignments/<int:pk>/", views.ReassignmentDecideView.as_view(), name="reassignment_decide"
    )
    opinion_waive_path = path(
        "opinions/<int:pk>/waive/", views.OpinionWaiveView.as_view(), name="opinion_waive"
    )
    evaluation_record_path = path(
        "<int:pk>/evaluations/", views.EvaluationRecordView.as_view(), name="evaluation_record"
    )
    evaluation_link_path = path("proposers/<int:pk>/link/", views.evaluation_link, name="evaluation_link")
    evaluate_path = path("evaluate/<str:token>/", views.evaluate, name="evaluate")
    letter_pdf_path = path("replies/<int:pk>/letter.pdf", letter_views.letter_pdf, name="letter_pdf")
    letter_docx_path = path("replies/<int:pk>/letter.docx", letter_views.letter_docx, name="letter_docx")
    letter_scan_path = path("replies/<int:pk>/letter-scan/", letter_views.letter_scan, name="letter_scan")
    letter_scan_upload_path = path(
        "replies/<int:pk>/letter-scan/upload/", letter_views.letter_scan_upload, name="letter_scan_upload"
    )
    letter_retry_path = path("replies/<int:pk>/letter/retry/", letter_views.letter_retry, name="letter_retry")
    letter_templates_path = path(
        "letter-templates/", letter_views.LetterTemplateListView.as_view(), name="letter_templates"
    )
    letter_template_edit_path = path(
        "letter-templates/<int:pk>/",
        letter_views.LetterTemplateEditView.as_view(),
        name="letter_template_edit",
    )
    letter_template_preview_path = path(
        "letter-templates/preview/", letter_views.letter_template_preview, name="letter_template_preview"
    )
    public_replies_path = path("public/replies/", letter_views.public_replies, name="public_replies")
