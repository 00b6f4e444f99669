"""Plain domain types shared by services, the router and the Slack edge."""
