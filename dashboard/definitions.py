"""How each figure of the dashboard is counted, printed on the page under the figures."""

from django.utils.translation import gettext_lazy as _

RATE_DEFINITIONS = [
    (
        _("Reply rate (办复率)"),
        _(
            "First replies released ÷ first replies assigned (each lead handler and each unit under "
            "split handling counts once)"
        ),
    ),
    (
        _("On-time rate (按时办结率)"),
        _(
            "Work closed by its deadline ÷ work closed: duties completed by their deadline (a duty "
            "without a fixed end is on time), first replies released by their reply deadline"
        ),
    ),
    (
        _("Satisfaction with the handling (满意率·办理)"),
        _("Evaluations rating the handling 满意 or 基本满意 ÷ evaluations received"),
    ),
    (
        _("Satisfaction with the result (满意率·结果)"),
        _("Evaluations rating the result 满意 or 基本满意 ÷ evaluations received"),
    ),
    (
        _("Lights (红黄灯)"),
        _(
            "Open steps (sign-for, inputs, reports, replies) counted for the department responsible: "
            "red once the deadline has passed, yellow once the reminder before it went out, green "
            "otherwise; lights are today's, whatever the period"
        ),
    ),
    (
        _("Period"),
        _(
            "Rates, stages, categories and trends count the work assigned in the period (from 1 "
            "January of this year unless chosen)"
        ),
    ),
]
