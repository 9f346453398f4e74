"""Floor event kinds of the picking feature registered with the exactly-once path (wms.picking.floor):
`count` (a count task confirmed on the handheld's counting screen). `pick` and `short` are floor.py's own."""
from wms.picking import count_events, floor, messages

messages.register_messages(count_events.MESSAGES)
floor.register_handler("count", count_events.count, fields=count_events.FIELDS)
