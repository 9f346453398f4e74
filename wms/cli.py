"""`flask --app app wms ...`: admin commands for the launcher and operators."""
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

    app.cli.add_command(group)
