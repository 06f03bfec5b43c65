"""Proposal text is user input: markup, scripts, file:// and http:// references, a 50,000-character
text, CJK Extension B, emoji and mixed Latin are stored as typed and shown escaped on the proposal
page, the list and the reply draft's pre-filled text; a refused registration keeps all of it."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tasks.proposals.flows import ProposalFlow
from tasks.proposals.models import Proposal
from tests.tasks.proposals.helpers import open_tasks, page_of, take_and_post

SCRIPT = '<script>alert("x")</script>'
TITLE = f'关于𠀀𪚥{SCRIPT}<b onmouseover="x()">众创</b> 😀👍🏽 Maker Space & “双创” 的建议'
HEAD = (
    f"<h1>标题</h1>{SCRIPT}<img src=x onerror=alert(1)>\n"
    '见 file:///etc/passwd 与 http://evil.example/a?b=1&c=2 以及 <a href="javascript:alert(1)">链接</a>\n'
    "生僻字𠀀𪚥𫝀，emoji 😀🚀👨‍👩‍👧，Mixed Latin text: café naïve Straße.\n"
)
CONTENT = HEAD + "长" * (50_000 - len(HEAD))
NAMES = "石剑波、Zhang 𪚥"
FORM = {
    "kind": "suggestion",
    "session": "2017年",
    "number": "901",
    "title": TITLE,
    "content": CONTENT,
    "proposer_names": NAMES,
    "is_public": "on",
}


def shows_escaped(page, text):
    """The text is on the page, escaped: none of its markup came through as markup."""
    assert escape(text) in page
    for raw in (SCRIPT, "<img src=x", "<b onmouseover", '<a href="javascript', "<h1>标题"):
        assert raw not in page


@pytest.fixture
def registered(client, secretariat, kjj, kx):
    client.force_login(secretariat)
    response = client.post(
        reverse("proposals:proposal_register"), {**FORM, "lead": kjj.pk, "co_handlers": [kx.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Proposal.objects.get(number="901")


def test_stored_as_typed(registered):
    assert len(CONTENT) == 50_000
    assert registered.title == TITLE
    assert registered.content == CONTENT
    assert [p.name for p in registered.proposers.all()] == ["石剑波", "Zhang 𪚥"]


def test_the_proposal_page_and_the_list_show_it_escaped(client, registered, kjj_officer, kx_officer):
    for user in (kjj_officer, kx_officer):
        client.force_login(user)
        page = client.get(registered.get_absolute_url()).content.decode()
        shows_escaped(page, TITLE)
        for line in HEAD.splitlines():
            shows_escaped(page, line)
        assert "长" * 1000 in page
        assert 'href="file://' not in page and 'href="http://evil' not in page
        assert "Zhang 𪚥" in page

        listing = client.get(reverse("proposals:index")).content.decode()
        shows_escaped(listing, TITLE)
        found = client.get(reverse("proposals:index"), {"q": "𠀀𪚥"}).content.decode()
        shows_escaped(found, TITLE)


def test_the_reply_drafts_pre_filled_text_shows_it_escaped(client, registered, kjj_officer):
    (sign_for,) = open_tasks(registered, ProposalFlow.sign_for)
    assert take_and_post(client, kjj_officer, sign_for, {}).status_code == 302
    (draft,) = open_tasks(registered, ProposalFlow.draft)
    page = page_of(client, kjj_officer, draft).content.decode()
    quoted = TITLE.removeprefix("关于")
    shows_escaped(page, f"您提出的关于“{quoted}”的建议收悉")
    assert "尊敬的石剑波代表：" in page


def test_a_refused_registration_keeps_everything_typed(client, secretariat, kjj):
    client.force_login(secretariat)
    # no lead handler chosen: refused
    response = client.post(reverse("proposals:proposal_register"), FORM)
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["form"]
    assert form.errors["lead"]
    assert form["title"].value() == TITLE
    assert form["content"].value() == CONTENT
    assert form["proposer_names"].value() == NAMES
    shows_escaped(page, TITLE)
    shows_escaped(page, NAMES)
    # the whole text is back in the textarea, escaped
    assert escape(CONTENT) in page.replace("\r\n", "\n")
    assert not Proposal.objects.exists()
