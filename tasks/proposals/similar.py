"""Similar proposals of the same session, shown at registration so that the secretariat can hand
them to the same departments or merge them (并案).

On PostgreSQL, trigram similarity (pg_trgm) of the titles and of the openings of the texts; on
SQLite, the embedded default, the same measure worked out in Python over the session's titles.
"""

import difflib

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Greatest, Left

from tasks.proposals.models import Proposal

THRESHOLD = 0.3
OPENING = 300  # characters of the text compared: enough to tell the subject, cheap on 50,000
LIMIT = 5


def proposals_similar(*, session, title, content, exclude=None, limit=LIMIT):
    """Up to ``limit`` proposals of ``session`` most like ``title`` and ``content``, each with
    its ``similarity`` (0–1), the most similar first."""
    same = Proposal.objects.filter(session=session).select_related("lead_department")
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if connection.vendor == "postgresql":
        scored = same.annotate(
            similarity=Greatest(
                TrigramSimilarity("title", Value(title)),
                TrigramSimilarity(Left("content", OPENING), Value(content[:OPENING])),
            )
        )
        return list(scored.filter(similarity__gte=THRESHOLD).order_by("-similarity", "pk")[:limit])
    found = []
    for proposal in same.only("pk", "number", "title", "content", "kind", "lead_department"):
        proposal.similarity = max(
            difflib.SequenceMatcher(None, title, proposal.title).ratio(),
            difflib.SequenceMatcher(None, content[:OPENING], proposal.content[:OPENING]).ratio(),
        )
        if proposal.similarity >= THRESHOLD + 0.2:  # character ratios run higher than trigrams
            found.append(proposal)
    return sorted(found, key=lambda proposal: (-proposal.similarity, proposal.pk))[:limit]
