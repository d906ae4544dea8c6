"""The app_home_opened event: show the person their Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.home import HomeRefresher


def register(app: App, home: HomeRefresher) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], context: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            home.publish(context["team_id"], event["user"])
