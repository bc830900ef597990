"""factory_boy factories, one module per app's records (tests/factories/<module>.py). Plain
records (a county, a deputy, a term) are made as rows; everything with a state — a project, a
vote, a ledger item, a report, a reception day — only through the services and the stage
machines, never by writing its status. ``from tests.factories import X`` finds every one."""

from ._core import *  # noqa: F403
from ._core import _path_to, _ServiceFactory  # noqa: F401
from .congress import *  # noqa: F403
from .stations import *  # noqa: F403
from .supervision import *  # noqa: F403
from .voting import *  # noqa: F403
