"""The mixed office day for locust: 200 department officers and 20 leaders (bench/load.py runs it).

LOAD_PLAN names a JSON file written by bench/load.py: the password, the officers (user name, their
department's proposal page, the campaign they report to and the days their department may
still file) and the leaders. Each simulated person logs in once through the login form (CSRF
token and all), then works with the pauses of someone reading pages:

- an officer opens the inbox (/desk/), the duty grid, their department's proposal, and now and
  then files a daily campaign report (the form page, then the post);
- a leader opens the home page (/, the leaders' dashboard once it is merged), the duty grid,
  the proposals list and a campaign's matrix.

Every page must answer 200 (a report 302 to the filed report) and hold what the person expects;
anything else counts as an error.

The statistics start once the last person has logged in (the logins of a ramp-up are not the day's
work), and the run ends LOAD_RUN_TIME seconds later; LOAD_MARK names a file written at that start.
"""

import itertools
import json
import os
import re

import gevent
from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_officers = itertools.cycle(PLAN["officers"])
_leaders = itertools.cycle(PLAN["leaders"])
_logged_in = itertools.count(1)


def _arrived(environment):
    """Reset the statistics when the last person is in; stop LOAD_RUN_TIME seconds later."""
    if next(_logged_in) == len(PLAN["officers"]) + len(PLAN["leaders"]):
        environment.runner.stats.reset_all()
        if os.environ.get("LOAD_MARK"):
            open(os.environ["LOAD_MARK"], "w").close()
        if os.environ.get("LOAD_RUN_TIME"):
            gevent.spawn_later(int(os.environ["LOAD_RUN_TIME"]), environment.runner.quit)


class Person(HttpUser):
    abstract = True
    # someone reading each page before the next click
    wait_time = between(5, 15)

    def log_in(self, username):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            {"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} answered {response.status_code}")
        _arrived(self.environment)

    def page(self, path, name, expect):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")
            elif expect not in response.text:
                response.failure(f"{path} lacks {expect!r}")


class Officer(Person):
    weight = 10

    def on_start(self):
        self.me = next(_officers)
        self.days = iter(self.me["days"])
        self.log_in(self.me["username"])

    @task(4)
    def inbox(self):
        self.page("/desk/", "inbox /desk/", 'id="department-queue"')

    @task(2)
    def duty_grid(self):
        self.page("/duties/", "duty grid /duties/", 'id="duty-filters"')

    @task(2)
    def proposal(self):
        self.page(self.me["proposal"], "proposal page", self.me["proposal_title"])

    @task(1)
    def file_report(self):
        day = next(self.days, None)
        if day is None:
            return
        url = f"/campaigns/{self.me['campaign']}/reports/new/"
        form = self.client.get(f"{url}?day={day}", name="report form")
        token = CSRF.search(form.text)
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "day": day,
                "text": f"{self.me['username']}：{day}开展创新创业宣传活动。",
                "video_links": "",
            },
            name="file report",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"filing {day} answered {response.status_code}")


class Leader(Person):
    fixed_count = len(PLAN["leaders"])  # the other users are officers

    def on_start(self):
        self.me = next(_leaders)
        self.log_in(self.me["username"])

    @task(4)
    def home(self):
        self.page("/", "leader home /", "</html>")

    @task(2)
    def duty_grid(self):
        self.page("/duties/", "duty grid /duties/", 'id="duty-filters"')

    @task(1)
    def proposals(self):
        self.page("/proposals/", "proposal list", 'id="proposal-filters"')

    @task(1)
    def matrix(self):
        self.page(f"/campaigns/{PLAN['campaign']}/matrix/", "campaign matrix", 'id="matrix"')
