"""`flask --app app wms ...`: admin commands for the launcher and operators.

The import commands (add-channel, import-skus, import-orders) print one JSON line and exit 0 when
the run completed (rows in error are in the report, not a failed run), 1 when it could not run.
"""
import json

import click
from sqlalchemy import func, select

from wms.extensions import db


def register(app):
    group = click.Group("wms", help="Warehouse commands.")

    @group.command("seed-demo")
    @click.option("--force", is_flag=True, help="Seed even if users already exist.")
    def seed_demo(force):
        """Seed the demo warehouse once (first run only unless --force)."""
        from wms.auth.models import User
        from wms import demo

        if not force and db.session.scalar(select(func.count(User.id))):
            click.echo("demo: already seeded")
            return
        summary = demo.seed()
        click.echo(f"demo: seeded {summary}")

    @group.command("create-user")
    @click.argument("username")
    @click.argument("role")
    @click.option("--password", prompt=True, hide_input=True)
    @click.option("--pin", default=None)
    def create_user(username, role, password, pin):
        """Create a user with a role (admin, supervisor, reviewer, picker, packer)."""
        from wms.admin.services import create_user as create

        user = create(username=username, display_name=username, role=role, password=password, pin=pin)
        click.echo(f"created {user.username} ({user.role})")

    @group.command("requeue")
    def requeue():
        """Push again now every outbox job that is waiting or whose retry is due (unless Redis holds it)."""
        from wms.outbox_sweep import requeue_stale

        click.echo(f"requeued {requeue_stale(older_than_s=0)}")

    @group.command("add-channel")
    @click.argument("code")
    @click.option("--platform", required=True, type=click.Choice(PLATFORM_CHOICES))
    @click.option("--name", default=None, help="Shown name (the code if not given).")
    def add_channel(code, platform, name):
        """Add a sales channel (store) that orders are imported into."""
        from wms.admin.services import create_channel

        with _one_json_line():
            channel = create_channel(code, name or code, platform)
            _echo({"channel": channel.code, "id": channel.id, "platform": channel.platform, "name": channel.name})

    @group.command("import-skus")
    @click.argument("file", type=click.Path(dir_okay=False))
    def import_skus(file):
        """Create or update SKUs from a CSV/XLSX file (the catalogue's import)."""
        from wms.catalog.sku_imports import import_now
        from wms.errors import ValidationFailed

        with _one_json_line():
            job = import_now(file)   # the upload page's job, run in this process
            if job.status != "done":
                raise ValidationFailed(job.message, field="file")
            _echo({"created": job.created, "updated": job.updated, "unchanged": job.unchanged,
                   "rejected": job.refused, "errors": job.errors[:20]})

    @group.command("import-orders")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--channel", "channel_code", required=True, help="The channel's code.")
    @click.option("--lines", "lines_file", default=None, type=click.Path(dir_okay=False),
                  help="Order lines in a separate file (e.g. Taobao's 宝贝报表).")
    def import_orders(file, channel_code, lines_file):
        """Import an orders export now, as the upload page would (recognition, saved mapping, review).

        The automatic review of the imported orders runs in this process before the line is printed."""
        from wms.imports.file_upload import import_file_now, summary
        from wms.worker import jobs_run_inline

        with _one_json_line(), jobs_run_inline():
            job = import_file_now(channel_code, file, lines_path=lines_file)
            _echo(summary(job))
            if job.status != "done":
                raise SystemExit(1)

    app.cli.add_command(group)


PLATFORM_CHOICES = ("shopify", "taobao", "pdd", "jd", "douyin", "manual")


def _echo(payload):
    click.echo(json.dumps(payload, ensure_ascii=False, default=str))


class _one_json_line:
    """A refused command prints {"error": ..., "field": ...} and exits 1 (nothing changed)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _trace):
        from wms.errors import DomainError

        if error is not None and isinstance(error, DomainError):
            db.session.rollback()
            _echo({"error": error.message, "field": error.details.get("field")})
            raise SystemExit(1)
        return False
