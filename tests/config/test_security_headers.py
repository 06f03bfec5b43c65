"""Every page carries a Content-Security-Policy; whatever a signed-in person receives is not
stored by the browser (a shared office computer)."""

from django.urls import reverse

from config.middleware import CONTENT_SECURITY_POLICY


def test_a_signed_in_page_has_the_policy_and_is_not_stored(client, kjj_officer, proposal_277):
    client.force_login(kjj_officer)
    for url in (reverse("desk:index"), proposal_277.get_absolute_url(), reverse("desk:notification_list")):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert (
            "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        )
        assert response["Cache-Control"] == "no-store"


def test_the_login_page_has_the_policy(client, db):
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_scripts(client, kjj_officer, proposal_277, secretariat):
    """The policy forbids inline scripts and event handlers: none of our pages may rely on them."""
    for user, urls in (
        (kjj_officer, [reverse("desk:index"), proposal_277.get_absolute_url()]),
        (
            secretariat,
            [reverse("manage:user_list"), reverse("manage:lockout_list"), reverse("desk:calendar")],
        ),
    ):
        client.force_login(user)
        for url in urls:
            page = client.get(url).content.decode()
            for handler in ("onclick=", "onchange=", "onsubmit=", "<script>", "javascript:"):
                assert handler not in page, f"{url} uses {handler}"
