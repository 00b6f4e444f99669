"""What ``ifn-bot directory import`` prints, and the link to Slack right after an
import. Plain English, like every CLI message (admins in Slack get the catalogs)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import SystemClock
from bot.i18n import t
from bot.services.directory import ImportResult
from bot.settings import Settings, SettingsError, load_settings

#: How the file names the fields an import may change.
FIELD_NAMES = {"slack_user_id": "slack_id", "area_code": "area", "unit_id": "unit", "network_share": "share"}


def import_report(file: str, result: ImportResult) -> str:
    lines = [f"directory {file}: {result.created} created, {result.updated} updated, "
             f"{result.unchanged} unchanged, {result.deactivated} deactivated"]
    lines += [f"  + {name}" for name in result.created_names]
    for change in result.changes:
        what = ", ".join(FIELD_NAMES.get(f, f) for f in change.fields)
        lines.append(f"  ~ {change.name}: {what}")
    lines += [f"  - {name} (deactivated; their open work is handed over)"
              for name in result.deactivated_names]
    if result.missing_names:
        lines.append(f"  kept, though not in the file ({len(result.missing_names)}; "
                     "--prune deactivates them): " + ", ".join(result.missing_names))
    if result.acting_changed:
        lines.append("  acting area leaders: now as in the file")
    if result.shape_changed:
        lines.append("  organisation (scope, the BFK's home, units in the network): now as in the file")
    if result.dry_run:
        lines.append("dry run: nothing was written")
    return "\n".join(lines)


def link_after_import(sessions: sessionmaker[Session]) -> str:
    """Link the people the directory knows only by e-mail, now, when the bot's
    Slack settings are there; otherwise the bot does it on its next working morning."""
    try:
        settings = load_settings(Settings)
    except SettingsError as exc:
        return f"not linked to Slack now ({exc}); the bot links people every working morning"
    from slack_sdk import WebClient

    from app.slack_directory import SlackDirectoryClient
    from bot.services.directory_cache import DirectoryCache
    from bot.services.reachability import ReachabilityService

    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                       timeout=10)
    service = ReachabilityService(sessions, SystemClock(), DirectoryCache(sessions), None,
                                  SlackDirectoryClient(client))
    report = service.link_all()
    names = f" ({', '.join(report.linked)})" if report.linked else ""
    lines = [f"linked to Slack: {len(report.linked)}{names}"]
    for name, reason in report.unreachable:
        lines.append(f"  cannot be reached in Slack: {name} ({t('en', f'reach.why.{reason}')})")
    if report.languages:
        lines.append("  language from Slack: " + ", ".join(f"{n} ({lang})" for n, lang in report.languages))
    if report.left:
        why = f" ({report.problem})" if report.problem else ""
        lines.append(f"  {report.left} not checked{why}; the bot tries again every working morning")
    return "\n".join(lines)
