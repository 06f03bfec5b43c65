"""Shared fixtures: named people in named departments, a real Celery worker, a local SMTP server."""

import asyncio
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker

from config import urls  # noqa: F401  (registers the flows' URL namespaces for Node.reverse)
from config.celery import app as celery_app
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, register_and_assign  # noqa: F401
from workflows.workdays.calendar import calendar_reload


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_department(code, name, short_name, kind="bureau"):
    return DepartmentFactory(code=code, name=name, short_name=short_name, kind=kind)


def make_user(username, name, department, *roles):
    return UserFactory(username=username, name=name, department=department, roles=roles)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Named people are created in almost every test; the production hasher takes a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test reads the calendar corrections its own database holds."""

    calendar_reload()
    yield
    calendar_reload()


@pytest.fixture
def kjj(db):
    return make_department("nt-kjj", "南通市科学技术局", "科技局")


@pytest.fixture
def kx(db):
    return make_department("nt-kx", "南通市科学技术协会", "科协", "mass_org")


@pytest.fixture
def jyj(db):
    return make_department("nt-jyj", "南通市教育局", "教育局")


@pytest.fixture
def kjj_officer(kjj):
    return make_user("kjj_officer", "张敏", kjj, "officer")


@pytest.fixture
def kjj_head(kjj):
    return make_user("kjj_head", "李强", kjj, "head")


@pytest.fixture
def kx_officer(kx):
    return make_user("kx_officer", "王芳", kx, "officer")


@pytest.fixture
def jyj_officer(jyj):
    """The outsider: an officer of a department with no part in the proposal."""
    return make_user("jyj_officer", "陈晨", jyj, "officer")


@pytest.fixture
def secretariat(kjj):
    return make_user("secretariat", "周婷", kjj, "secretariat")


@pytest.fixture
def leader(db):
    """The convener: a leader who oversees every department."""
    city = make_department("nt-szf", "南通市人民政府", "市政府", "other")
    user = make_user("leader", "赵建国", city, "leader")
    user.oversees_all = True
    user.save()
    return user


@pytest.fixture
def proposal_277(kjj, kx):
    """Proposal 277 registered and assigned to 科技局 with 科协 as co-handler (seed 003)."""
    proposal = register_and_assign(lead=kjj, co_handlers=[kx])
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming the configured broker (Redis in CI)."""
    celery_app.control.purge()  # messages left by an aborted run must not run against this test
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """An aiosmtpd handler that keeps what it accepts. With ``hold_first`` the first message's DATA
    never completes (as if the sending worker died mid-send); ``first_arrived`` is set meanwhile."""

    def __init__(self, hold_first=False):
        self.messages = []
        self.hold_first = hold_first
        self.first_arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first and not self.first_arrived.is_set():
            self.first_arrived.set()
            await asyncio.sleep(3600)
            return "451 Never completed"
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port; Django sends its mail there."""
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    sink.port = controller.port
    sink.controller = controller
    yield sink
    controller.stop()
