"""``ifn-bot sandbox``: the whole bot on one machine, without a Slack workspace.

Also home of the runtime parts the tests share: the loopback fake Slack Web API
(``sandbox.fakeslack``) and the builder of Slack-signed requests
(``sandbox.slack_requests``).
"""
