"""rq cron config for the scheduled channel sync: `rq cron wms.channels.cron --url $REDIS_URL`.

Every minute it asks which active platform channels are due (each channel's settings may set
`sync_interval_minutes`, default 15) and enqueues one outboxed sync job per due channel; a channel
with a sync already waiting or running is skipped, so overlapping ticks never double up.
"""
from rq import cron

from wms.channels.jobs import scheduled_sync

cron.register(scheduled_sync, "default", interval=60)
