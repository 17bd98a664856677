"""Capture: what the team's mailboxes and calendars say, turned into activity by themselves."""
