"""A case's timeline: loading a case, moving it to a new state (checked against wms.aftersales.case_states)
and writing each change as a CaseEvent (who, when, what). The steps the case services (cases, refund_steps)
are made of; they commit, this module does not."""
from wms.aftersales import case_states as cs
from wms.aftersales.case_models import AfterSalesCase, CaseEvent
from wms.inputs import actor_name, as_int
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import english, wording


def load_case(case_id):
    """The case, or NotFound."""
    return get_or_not_found(AfterSalesCase, as_int(case_id), "No such after-sales case")


def move_case(case, new, actor, said=None):
    """Move the case to `new` (IllegalTransition when its kind's table has no such step) and write the event."""
    cs.check_transition(case.kind, case.state, new)
    before, case.state = case.state, new
    case.updated_at = utcnow()
    add_event(case, said or wording("{before} -> {after}", before=wording(before), after=wording(new)), actor,
              kind="state", from_state=before, to_state=new)


def add_event(case, said, actor, kind, from_state="", to_state=""):
    """Add a line to the case's timeline: `said` (a wording, kept for both languages), who and what kind."""
    case.events.append(CaseEvent(kind=kind, from_state=from_state, to_state=to_state or case.state,
                                 text=english(said)[:4000], wording=said, actor_name=actor_name(actor)))
