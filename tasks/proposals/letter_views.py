"""Pages and files of the reply letter (答复函): PDF, .docx and signed-scan downloads scoped like
the proposal, the failed-render retry, the secretariat's letter templates with a live preview, and
the public page of disclosed replies."""

import dataclasses
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_POST

from accounts.access import SecretariatRequiredMixin, is_secretariat, require_secretariat
from accounts.models import Department
from tasks.proposals import access
from tasks.proposals.letter_forms import LetterScanForm, LetterTemplateForm
from tasks.proposals.letters import letter_documents, letter_template_for, reply_letter, sample_letter
from tasks.proposals.models import Proposal, Reply
from workflows.documents.letter_docx import letter_render_docx
from workflows.documents.letter_templates import letter_from_template
from workflows.documents.letters import LetterData, letter_html
from workflows.documents.models import LETTER_KINDS, LetterTemplate
from workflows.documents.services import (
    DocumentIntegrityError,
    letter_pdf_read,
    letter_render_retry,
    letter_scan_attach,
    letter_scan_read,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCAN_TYPES = {b"%PDF-": ("application/pdf", "pdf"), b"\xff\xd8\xff": ("image/jpeg", "jpg")}


def _reply_get(user, pk):
    """A reply whose letter the user may read: drafts stay with the handling department, its
    leaders and the secretariat; everyone who sees the proposal reads the released letter."""
    reply = get_object_or_404(access.replies_for_user(user).select_related("proposal", "department"), pk=pk)
    if not access.reply_private_visible(user, reply):
        raise Http404
    return reply


def _refused(request, message):
    return render(request, "proposals/letter_refused.html", {"message": message}, status=409)


def _file(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def letter_pdf(request, pk):
    """The issued letter's PDF, served only while its SHA-256 is the one recorded at issue;
    before release, the latest draft preview (marked 草稿)."""
    reply = _reply_get(request.user, pk)
    documents = letter_documents(reply)
    document = documents.get(False) or documents.get(True)
    if document is None:
        raise Http404
    try:
        content = letter_pdf_read(document)
    except DocumentIntegrityError as exc:
        return _refused(request, str(exc))
    name = f"letter-{reply.pk}" + ("-draft" if document.is_draft else "")
    return _file(content, "application/pdf", f"{name}.pdf")


@login_required
def letter_docx(request, pk):
    """The letter as .docx for offices finishing it in WPS or Word: the issued text once released."""
    reply = _reply_get(request.user, pk)
    issued = letter_documents(reply).get(False)
    data = LetterData.from_dict(issued.data) if issued else reply_letter(reply)
    return _file(letter_render_docx(data), DOCX, f"letter-{reply.pk}.docx")


@login_required
def letter_scan(request, pk):
    reply = _reply_get(request.user, pk)
    issued = letter_documents(reply).get(False)
    if issued is None:
        raise Http404
    try:
        content = letter_scan_read(issued)
    except DocumentIntegrityError as exc:
        return _refused(request, str(exc))
    content_type, extension = next(
        (kind for magic, kind in SCAN_TYPES.items() if content.startswith(magic)), ("image/png", "png")
    )
    return _file(content, content_type, f"letter-{reply.pk}-scan.{extension}")


@login_required
def letter_scan_upload(request, pk):
    """The signed and sealed scan, uploaded by the secretariat or the replying department."""
    reply = _reply_get(request.user, pk)  # outsiders get 404 before the method is looked at
    if not (is_secretariat(request.user) or request.user.department_id == reply.department_id):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LetterScanForm(request.POST, request.FILES)
    issued = letter_documents(reply).get(False)
    if not form.is_valid():
        messages.error(request, _("Choose the scanned file."))
    elif issued is None:
        messages.error(request, _("A scan can only be attached to an issued letter."))
    else:
        try:
            letter_scan_attach(document=issued, upload=form.cleaned_data["scan"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The signed scan has been stored."))
    return redirect(reply.proposal)


@login_required
@require_POST
def letter_retry(request, pk):
    """The secretariat renders a letter whose rendering failed again."""
    require_secretariat(request.user)
    reply = get_object_or_404(Reply.objects.select_related("proposal"), pk=pk)
    failed = [d for d in letter_documents(reply).values() if d.status == d.Status.FAILED]
    for document in failed:
        letter_render_retry(document=document)
    if failed:
        messages.success(request, _("The letter is being rendered again."))
    else:
        messages.error(request, _("Only a letter whose rendering failed can be retried."))
    return redirect(request.POST.get("next") or reply.proposal.get_absolute_url())


class LetterTemplateListView(SecretariatRequiredMixin, generic.ListView):
    """Every department's letter templates, one row per department with both kinds."""

    template_name = "proposals/letter_template_list.html"
    context_object_name = "departments"
    paginate_by = 25

    def get_queryset(self):
        return Department.objects.filter(is_active=True).order_by("code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = list(context["object_list"])
        templates = {
            (t.department_id, t.kind): t for t in LetterTemplate.objects.filter(department__in=shown)
        }
        for department in shown:
            department.letter_templates = [
                (kind, label, templates.get((department.pk, kind))) for kind, label in LETTER_KINDS
            ]
        context["object_list"] = context["departments"] = shown
        context["kinds"] = LETTER_KINDS
        # row links by concatenation: no reverse() per row
        context["edit_base"] = reverse("proposals:letter_template_edit", args=[0]).removesuffix("0/")
        return context


def _kind(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or Proposal.Kind.SUGGESTION
    if kind not in dict(LETTER_KINDS):
        raise Http404
    return kind


class LetterTemplateEditView(SecretariatRequiredMixin, generic.FormView):
    """One department's template of one kind; the page previews it live (letter_templates.js)."""

    template_name = "proposals/letter_template_edit.html"
    form_class = LetterTemplateForm

    def dispatch(self, request, *args, **kwargs):
        self.department = get_object_or_404(Department, pk=kwargs["pk"])
        self.kind = _kind(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": letter_template_for(self.department, self.kind)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(department=self.department, kind=self.kind, **kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The letter template has been saved."))
        return redirect("proposals:letter_templates")


@login_required
@require_POST
def letter_template_preview(request):
    """The letter of the posted (unsaved) template for a sample proposal, as HTML for the editor's
    frame; a template that does not validate answers 400 with the errors in Chinese."""
    require_secretariat(request.user)
    department = get_object_or_404(Department, pk=request.POST.get("department"))
    kind = _kind(request)
    form = LetterTemplateForm(request.POST, instance=letter_template_for(department, kind))
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}：{error}" if name in form.fields else error
            for name, messages_ in form.errors.items()
            for error in messages_
        ]
        return render(request, "proposals/letter_template_errors.html", {"errors": errors}, status=400)
    template = form.save(commit=False)
    number = template.number_pattern.replace("{year}", "2017").replace("{n}", "12")
    data = letter_from_template(template, sample_letter(department, kind))
    return HttpResponse(letter_html(dataclasses.replace(data, document_number=number)))


# 国办发〔2014〕46号: a disclosed reply never shows how to reach a proposer or an officer
CONTACT_DETAILS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|(?:\+?86[- ]?)?1\d{10}"  # mobile
    r"|(?:\(?0\d{2,3}\)?[- ]?)?\d{7,8}(?:-\d{1,6})?"  # telephone
    r"|(?:联系人|联系电话|电话|手机|邮箱|地址|通讯地址)[:：][^，。；\n]*"
)


def disclosed_text(text):
    return CONTACT_DETAILS.sub("（略）", text)


def public_replies(request):
    """公开: released replies of proposals the secretariat chose to disclose; no login."""
    replies = (
        Reply.objects.filter(status=Reply.Status.RELEASED, proposal__is_public=True)
        .select_related("proposal", "department")
        .only(
            "text",
            "letter_number",
            "released_at",
            "kind",
            "proposal__number",
            "proposal__title",
            "proposal__kind",
            "proposal__session",
            "proposal__sitting",
            "department__name",
        )
        .order_by("-released_at", "-pk")
    )
    page = Paginator(replies, 25).get_page(request.GET.get("page"))
    for reply in page:
        reply.disclosed_text = disclosed_text(reply.text)
    return render(request, "proposals/letter_public.html", {"page_obj": page})
