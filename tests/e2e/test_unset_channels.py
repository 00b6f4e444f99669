"""A confirmation never says something was posted to a channel that is not
set up (issue 12): the bot started without IFN_MANAGEMENT_CHANNEL."""

from __future__ import annotations

from sandbox.slack_requests import SignedRequests, state_plain_text
from tests.flows import dms, text_of
from tests.harness import BotServer, make_settings

IFR_2 = "U0IFR00002"


def test_a_plan_is_saved_but_the_confirmation_says_it_was_not_posted(org, engine, fake_slack, db_url):
    settings = make_settings(fake_slack, db_url, ifn_management_channel="")
    server = BotServer(settings, engine, org.clock).start()
    try:
        secret = server.services.settings.slack_signing_secret.get_secret_value()
        slack = SignedRequests(server.url, secret, response_url_base=fake_slack.hooks_url)
        before = len(fake_slack.calls("views.open"))
        assert slack.slash_command(IFR_2, "referat plan").status == 200
        view = fake_slack.view(fake_slack.calls("views.open")[before].response["view"]["id"])
        values = {"plan_title": {"plan_title": state_plain_text("Strategiplan 2027")},
                  "plan_body": {"plan_body": state_plain_text("https://wiki.example/ifn/strategi-2027")}}
        resp = slack.view_submission(IFR_2, view["callback_id"], values, view.get("private_metadata"),
                                     view["id"], view=view)
        assert resp.status == 200 and not resp.body
    finally:
        server.stop()
    confirmation = text_of(dms(fake_slack, IFR_2)[-1])
    assert confirmation == ("Planen er lagret, men ikke lagt ut: ledelseskanalen er ikke satt opp. "
                            "Si fra til en administrator.")
    assert all(c.args["channel"] != "CMGMT00001" for c in fake_slack.calls("chat.postMessage"))
