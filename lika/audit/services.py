"""Writing the access log.  Called by services inside their own transaction."""

from .models import AccessLogEntry

READ, CREATE, UPDATE, EXPORT, LOGIN = "read", "create", "update", "export", "login"


def access_log_write(*, actor, action, object_type, object_id="", person_id=None, household_id=None,
                     summary="", old=None, new=None, using="default") -> AccessLogEntry:
    """Append one row: ``actor`` None means the system itself (e.g. a migration)."""
    return AccessLogEntry.objects.using(using).create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        person_id=person_id,
        household_id=household_id,
        summary=summary[:300],
        old_values=old,
        new_values=new,
    )
