"""附件 of a proposal: uploaded by the secretariat at registration or later on the proposal's page,
each checked by its content (``workflows.documents.uploads``), stored under a name we choose and
downloaded only through ``access.attachment_get_for_user``."""

import uuid

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent
from tasks.proposals.models import ProposalAttachment


@transaction.atomic
def attachments_add(*, proposal, files, user):
    """Store validated uploads (``files``: (upload, kind) pairs, as ``AttachmentsField`` cleans
    them); the typed file name is kept for display and download only."""
    added = []
    for upload, kind in files:
        attachment = ProposalAttachment(proposal=proposal, name=upload.name[:200], uploaded_by=user)
        upload.seek(0)
        attachment.file.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
        attachment.save()
        added.append(attachment)
    if added:
        audit_record(
            action=AuditEvent.Action.SUBMIT,
            summary="上传附件：" + "、".join(attachment.name for attachment in added),
            actor=user,
            obj=proposal,
        )
    return added
