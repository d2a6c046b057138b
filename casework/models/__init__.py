"""ORM models. Tables are created by Alembic migrations, never by ``create_all``."""
from casework.models.accounts import Account, Agency, Consent, HouseholdLink, Invite, RoleGrant, Task
from casework.models.agencies import AgencyArea, AgencyService
from casework.models.areas import Village
from casework.models.audit import AuditEntry
from casework.models.base import Base, BigId, Json, UTCDateTime
from casework.models.cases import Case, CaseUpdate, Counter, Plan, PlanItem, Referral, ReferralUpdate
from casework.models.conversations import Conversation, RichMenu
from casework.models.digests import ClockRun, DigestPreference, Notice
from casework.models.entitlements import Decision, ScreeningGap, ScreeningRun
from casework.models.messaging import Chat, Heartbeat, InboxEvent, OutboxMessage, RateBucket
from casework.models.registry import Assessment, Attachment, Household, NameToken, Person
from casework.models.visits import Visit
from casework.models.welfare import WelfareStatus

__all__ = [
    "Account", "Agency", "AgencyArea", "AgencyService", "Assessment", "Attachment", "AuditEntry", "Base", "BigId", "Case", "CaseUpdate", "Chat", "ClockRun",
    "Consent", "Conversation", "Counter", "Decision", "DigestPreference", "Household", "HouseholdLink", "InboxEvent", "Invite", "Json",
    "NameToken", "Heartbeat", "Notice", "OutboxMessage", "Person", "Plan", "PlanItem", "RateBucket", "Referral", "ReferralUpdate", "RichMenu", "RoleGrant", "ScreeningGap", "ScreeningRun", "Task", "UTCDateTime", "Village", "Visit", "WelfareStatus",
]

# Sealed values wait for their row's id; see casework/sealing.py.
from casework import sealing as _sealing  # noqa: E402

_sealing.install(Base)
