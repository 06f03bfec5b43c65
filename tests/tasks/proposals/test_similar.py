"""Similar proposals of the same session are found at registration, on either database."""

from tasks.proposals.similar import proposals_similar
from tests.factories import register_and_assign


def test_similar_proposals_of_the_same_session_come_first(kjj, kx, jyj):
    same = register_and_assign(lead=kjj, number="277")
    close = register_and_assign(
        lead=kx,
        number="301",
        title="关于组织社会大众参与聚力创新的建议",
        content="建议全市组织社会大众参与聚力创新活动。",
    )
    register_and_assign(
        lead=jyj, number="302", title="关于加强中小学课后服务的建议", content="建议延长课后服务时间。"
    )
    register_and_assign(lead=kjj, number="88", session="2016年")  # the same text, another session

    found = proposals_similar(
        session="2017年",
        title="关于在南通市组织社会大众聚力创新的建议",
        content="建议在全市组织社会大众聚力创新。",
    )
    assert [proposal.number for proposal in found] == ["277", "301"]
    assert found[0].similarity > found[1].similarity
    assert found[0].lead_department == kjj  # shown with the department that handles it

    assert [
        p.number
        for p in proposals_similar(session="2017年", title=same.title, content=same.content, exclude=same)
    ] == [close.number]


def test_markup_in_the_text_is_compared_as_text(kjj):
    register_and_assign(
        lead=kjj, number="1", title="<script>alert(1)</script>关于创新的建议", content="'; DROP TABLE x; --"
    )
    found = proposals_similar(
        session="2017年", title="<script>alert(1)</script>关于创新的建议", content="'; DROP"
    )
    assert [proposal.number for proposal in found] == ["1"]
