"""Celery tasks of reply letters: thin triggers taking primary keys (workflows.documents.rendering)."""

from celery import shared_task

from workflows.documents import rendering


@shared_task(name="documents.letter_render")
def letter_render(document_id, revision):
    """Render this revision of a letter (once; a superseded revision is skipped)."""
    return rendering.letter_document_render(document_id=document_id, revision=revision)


@shared_task(name="documents.letters_sweep")
def letters_sweep():
    """Queue again the letters whose rendering is still pending after the retry timeout."""
    rows = rendering.letters_stale_pending()
    for document_id, revision in rows:
        letter_render.delay(document_id, revision)
    return len(rows)
