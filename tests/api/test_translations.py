"""DRF's catalogue would reword Django's own messages on every form; Django's wording stays."""

from django.urls import reverse
from django.utils import translation

from tests.api.conftest import system_account


def test_pages_and_api_keep_djangos_wording_for_shared_messages(db):
    with translation.override("zh-hans"):
        assert translation.gettext("This field is required.") == "这个字段是必填项。"
        assert translation.gettext("Enter a valid URL.") == "输入一个有效的 URL。"
    _account, api = system_account("人大建议办理系统", None)
    errors = api.post_json(reverse("api:proposal_list"), {}).json()
    assert errors["title"] == ["这个字段是必填项。"]
    # DRF's own messages stay in Chinese
    assert api.get(reverse("api:proposal_detail", args=[1])).json()["detail"] != "Not found."
