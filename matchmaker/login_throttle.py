"""Login throttling: django-axes with two limits at once.

Axes counts failed logins per parameter set (AXES_LOCKOUT_PARAMETERS) and compares the largest
count with one limit. We count per username and address (AXES_FAILURE_LIMIT, 5: someone
mistyping from their desk) and per username from anywhere (AXES_USERNAME_FAILURE_LIMIT, higher:
guessing one account's password from many addresses), so the handler reports failures as seen
against the per-address limit: that limit minus the smallest headroom left under either. A lock
is reached when either count reaches its own limit. The cool-off (AXES_COOLOFF_TIME) is the same.

The per-username lock stops distributed guessing, at a price: anyone who knows a username can
keep that account locked out of the login page. API tokens are not affected (see README).
"""

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.db.models import Sum


def _limit(parameter) -> int:
    names = {parameter} if isinstance(parameter, str) else set(parameter)
    if names == {"username"}:
        return settings.AXES_USERNAME_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class TwoLimitHandler(AxesDatabaseHandler):
    """The database handler, with a limit per lockout parameter set."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)  # one queryset per parameter set
        headroom = min(
            _limit(parameter) - (queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0)
            for parameter, queryset in zip(parameters, attempts, strict=True)
        )
        return settings.AXES_FAILURE_LIMIT - headroom
