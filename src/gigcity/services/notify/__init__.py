"""Notifications to workers: a notice is queued in the transaction of the change it tells
of (`queue_notice`) and sent by the job queue through Web Push and the SMS/WeChat adapter."""

from gigcity.services.notify.channels import (
    Channel,
    ChannelUnavailable,
    LoggingChannel,
    PushTarget,
    Rendered,
    WebPushChannel,
)
from gigcity.services.notify.notice import NOTIFY_JOB, Notice, queue_notice
from gigcity.services.notify.schemas import (
    PushKeyOut,
    SubscriptionIn,
    SubscriptionsOut,
    Unsubscribe,
)
from gigcity.services.notify.service import NotifyService, new_private_key, public_key_of

NOTIFY_JOBS = [NOTIFY_JOB]

__all__ = [
    "NOTIFY_JOB",
    "NOTIFY_JOBS",
    "Channel",
    "ChannelUnavailable",
    "LoggingChannel",
    "Notice",
    "NotifyService",
    "PushKeyOut",
    "PushTarget",
    "Rendered",
    "SubscriptionIn",
    "SubscriptionsOut",
    "Unsubscribe",
    "WebPushChannel",
    "new_private_key",
    "public_key_of",
    "queue_notice",
]
