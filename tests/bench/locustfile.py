"""The load test's users (issue 9.4): logged-in owners and editors of the seeded demo organisations
clicking through a realistic mix of pages and writes.

Run by tests/bench/bench_load.py, which seeds the database, writes the plan this file reads
(LOAD_PLAN: sessions, campaigns, roster entries, deliverables, creators) and starts gunicorn.
By hand, with a plan and a server already there:

    LOAD_PLAN=var/bench/load_plan.json .venv/bin/locust -f tests/bench/locustfile.py --headless \\
        -u 16 -r 16 -t 60s --host http://127.0.0.1:8000

LOAD_MAX_REQUESTS bounds the run in requests as well as in time.
"""

import itertools
import json
import os
import random

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
SORTS = ["score", "score", "score", "er", "followers", "price", "growth"]
STAGES = ["shortlisted", "contacted", "negotiating", "contracted", "content_live", "completed"]
_logins = itertools.cycle(PLAN["logins"])
_sent = itertools.count(1)


_environment = None


@events.init.add_listener
def _remember_environment(environment, **kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def _stop_after_max_requests(**kwargs):
    if MAX_REQUESTS and next(_sent) == MAX_REQUESTS and _environment.runner is not None:
        gevent.spawn(_environment.runner.quit)  # not from inside this user's greenlet


class Marketer(HttpUser):
    """One signed-in person of an organisation; pauses between clicks as people do."""

    wait_time = between(0.5, 2.0)

    def on_start(self):
        login = next(_logins)
        self.campaigns = login["campaigns"]
        self.writable = [c for c in self.campaigns if c["entries"]]
        # A known CSRF secret: Django accepts the unmasked secret in the header (4.1+).
        token = "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
        self.client.headers["Cookie"] = f"{PLAN['session_cookie']}={login['session']}; " + (
            f"{PLAN['csrf_cookie']}={token}"
        )
        self.post_headers = {"X-CSRFToken": token, "HX-Request": "true"}

    @task(5)
    def discovery(self):
        params = {"sort": random.choice(SORTS)}
        if random.random() < 0.7:
            params["platform"] = random.choice(PLAN["platforms"])
        if random.random() < 0.4:
            params["country"] = random.choice(PLAN["countries"])
        if random.random() < 0.3:
            params["category"] = random.choice(PLAN["categories"])
        if random.random() < 0.5:
            params["min_authenticity"] = random.choice([40, 60, 70])
        if random.random() < 0.3:
            params["min_er"] = random.choice([1, 2, 3])
        if random.random() < 0.2:
            params["page"] = random.randint(2, 4)
        self.client.get("/creators/", params=params, name="/creators/ (discovery)")

    @task(3)
    def profile(self):
        creator = random.choice(PLAN["creators"])
        self.client.get(f"/creators/{creator}/", name="/creators/[id]/ (profile)")

    @task(2)
    def matches(self):
        campaign = random.choice(self.campaigns)
        params = random.choice([{}, {"min_total": 40}, {"hide_rostered": "on"}, {"page": 2}])
        self.client.get(
            f"/campaigns/{campaign['id']}/", params=params, name="/campaigns/[id]/ (matches)"
        )

    @task(1)
    def roster_board(self):
        campaign = random.choice(self.campaigns)
        self.client.get(f"/campaigns/{campaign['id']}/roster/", name="/campaigns/[id]/roster/")

    @task(1)
    def roster_move(self):
        if not self.writable:
            return
        campaign = random.choice(self.writable)
        entry = random.choice(campaign["entries"])
        self.client.post(
            f"/campaigns/{campaign['id']}/roster/{entry}/move/",
            data={"stage": random.choice(STAGES)},
            headers=self.post_headers,
            name="/campaigns/[id]/roster/[entry]/move/ (POST)",
        )

    @task(1)
    def result_entry(self):
        with_deliverables = [c for c in self.writable if c["deliverables"]]
        if not with_deliverables:
            return
        campaign = random.choice(with_deliverables)
        reach = random.randint(5_000, 80_000)
        self.client.post(
            f"/campaigns/{campaign['id']}/results/outcomes/",
            data={
                "deliverable": random.choice(campaign["deliverables"]),
                "reach": reach,
                "impressions": int(reach * 1.3),
                "likes": reach // 20,
                "comments": reach // 400,
                "clicks": reach // 100,
            },
            headers=self.post_headers,
            name="/campaigns/[id]/results/outcomes/ (POST)",
        )
