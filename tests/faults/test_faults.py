"""Issue 18's table in CI: each row of the fault suite with small counts,
against the real processes (two web processes, a scheduler, the fake Slack in
its own process), on SQLite and — when ``IFN_TEST_DATABASE_URL`` names one — on
PostgreSQL. Full counts: ``benchmarks/fault_table.py``.

A row that fails on today's code is marked ``xfail(strict=True)`` with what
fails: the suite stays green and says what is left to fix; when the fix lands
the row passes, the strict mark turns that into a failure, and the mark goes.
Rows that pass today are plain tests: keep it so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import scenarios as sc
from tests.faults.cluster import Cluster
from tests.faults.db_away import database_away
from tests.faults.judges import Outcome
from tests.faults.kills import TAKEOVER_LIMIT, scheduler_kill, web_kill

pytestmark = pytest.mark.timeout(300)

_PG = os.environ.get("IFN_TEST_DATABASE_URL", "")
DATABASES = ["postgresql"] if _PG.startswith("postgres") else ["sqlite"]
#: The port of the server the database-away row starts and stops (unset: any free port).
_OWN_PG_PORT = int(os.environ.get("IFN_FAULTS_OWN_PG_PORT") or 0)


@pytest.fixture(scope="module", params=DATABASES)
def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp(f"faults-{request.param}")
    with Cluster(Path(workdir), request.param, admin_url=_PG or None) as running:
        yield running


@pytest.fixture(scope="module")
def calm(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A second cluster whose live offers do not time out during a row: the
    Slack-trouble rows judge loss and doubles there. (Offers timing out while
    Slack misbehaves — a live Godta left on a timed-out offer — depend on timing
    and are counted by ``benchmarks/fault_table.py``.)"""
    workdir = tmp_path_factory.mktemp(f"faults-calm-{cluster.database}")
    with Cluster(Path(workdir), cluster.database, admin_url=_PG or None, live_timeout=600) as running:
        yield running


@pytest.fixture(scope="module")
def standby(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster with two schedulers (one ticks, one waits) whose live offers time out in 4 s."""
    workdir = tmp_path_factory.mktemp(f"faults-standby-{cluster.database}")
    with Cluster(Path(workdir), cluster.database, admin_url=_PG or None, schedulers=2) as running:
        yield running


@pytest.fixture(scope="module")
def own_database(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A cluster on a database it may take away: a PostgreSQL server of its own
    (stopped and started by the row), or its SQLite file (whose write lock the
    row holds); two schedulers; live offers time out in 20 s."""
    workdir = tmp_path_factory.mktemp(f"faults-away-{cluster.database}")
    with Cluster(Path(workdir), cluster.database, schedulers=2, live_timeout=20,
                 own_pg=(_OWN_PG_PORT or True) if cluster.database == "postgresql" else False) as running:
        yield running


def _clean(outcome: Outcome, at_least: int = 1) -> None:
    assert outcome.trials >= at_least, outcome
    assert outcome.failures == 0, "\n".join(outcome.notes[:20])


def test_simultaneous_godta_has_one_winner(cluster: Cluster):
    _clean(sc.accept_race(cluster, 2), 2)


def test_godta_at_the_timeout_leaves_a_consistent_request(cluster: Cluster):
    _clean(sc.godta_at_timeout(cluster, 1))


def test_forged_stale_tampered_and_wrong_person_change_nothing(cluster: Cluster):
    _clean(sc.signatures(cluster, 11), 11)


def test_national_ids_written_every_way_are_refused_in_every_field(cluster: Cluster):
    _clean(sc.national_ids(cluster, 25), 25)


def test_malformed_requests_get_400_or_401_never_500(cluster: Cluster):
    _clean(sc.malformed(cluster, 58), 58)


def test_hostile_text_never_pings_and_never_500(cluster: Cluster):
    _clean(sc.hostile_text(cluster, 6, forms=("live", "support", "issue", "meeting")), 6)


def test_request_forms_submitted_twice_or_redelivered_make_one_request(cluster: Cluster):
    _clean(sc.double_submits(cluster, 6, forms=("live", "support"), ways=("sequential", "retry")), 4)


def test_meeting_and_plan_forms_submitted_twice_make_one(cluster: Cluster):
    _clean(sc.double_submits(cluster, 6, forms=("meeting", "work plan"), ways=("sequential",)), 2)


def test_slack_answering_500_loses_and_doubles_nothing(calm: Cluster):
    _clean(sc.slack_trouble(calm, 3, "http500", 3), 3)


def test_slack_rate_limiting_loses_and_doubles_nothing(calm: Cluster):
    _clean(sc.slack_trouble(calm, 3, "ratelimit", 3, retry_after=2), 3)


def test_slack_refusing_connections_loses_and_doubles_nothing(calm: Cluster):
    _clean(sc.slack_trouble(calm, 3, "refuse", 3), 3)


def test_a_declined_support_offer_keeps_no_name_or_urgency(cluster: Cluster):
    _clean(sc.support_confidentiality(cluster, 1))


def test_kill_9_of_a_web_process_loses_and_doubles_nothing(calm: Cluster):
    _clean(web_kill(calm, 2), 12)


def test_kill_9_of_the_active_scheduler_the_standby_takes_over_and_fires_each_timeout_once(standby: Cluster):
    outcome = scheduler_kill(standby, 2)
    _clean(outcome, 2)
    assert max(outcome.measures["takeover"]) <= TAKEOVER_LIMIT


def test_database_away_for_40_s_not_saved_is_said_and_everything_recovers(own_database: Cluster):
    _clean(database_away(own_database, 6), 7)
