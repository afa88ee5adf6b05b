"""The database schema, as SQLAlchemy Core tables.

Every resource row carries its account and region as key columns. Times are
epoch seconds (double precision) from the service clock. Migrations under
``migrations/`` create and change these tables; this module is what the code
reads and writes.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "access_keys",
    "accounts",
    "analytics_data_associations",
    "churn_days",
    "contact_flows",
    "events",
    "fault_rules",
    "flow_associations",
    "idempotency",
    "instance_attributes",
    "instance_replicas",
    "instances",
    "inventory",
    "metadata",
    "phone_numbers",
    "quotas",
    "releases",
    "settings",
    "source_numbers",
    "state_version",
    "tags",
    "throttle_buckets",
    "traffic_distribution_groups",
]

metadata = sa.MetaData()

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("clock_offset", sa.Double, nullable=False),
    sa.Column("clock_frozen_at", sa.Double, nullable=True),
    sa.Column("config", sa.JSON, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("account_id", sa.String(12), primary_key=True),
    sa.Column("created_at", sa.Double, nullable=False),
)

access_keys = sa.Table(
    "access_keys",
    metadata,
    sa.Column("access_key_id", sa.String(128), primary_key=True),
    sa.Column("secret_access_key", sa.String(128), nullable=False),
    sa.Column("account_id", sa.String(12), nullable=False, index=True),
    sa.Column("principal", sa.String(256), nullable=False),
    sa.Column("policy", sa.JSON, nullable=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("revoked_at", sa.Double, nullable=True),
)

quotas = sa.Table(
    "quotas",
    metadata,
    sa.Column("account_id", sa.String(12), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("phone_numbers_per_instance", sa.Integer, nullable=False),
    sa.Column("claims_made", sa.Integer, nullable=False, server_default="0"),
)

instances = sa.Table(
    "instances",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("arn", sa.String(256), nullable=False, unique=True),
    sa.Column("identity_management_type", sa.String(32), nullable=False),
    sa.Column("alias", sa.String(64), nullable=True),
    sa.Column("alias_key", sa.String(64), nullable=True, unique=True),
    sa.Column("directory_id", sa.String(64), nullable=True),
    sa.Column("inbound_calls_enabled", sa.Boolean, nullable=False),
    sa.Column("outbound_calls_enabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("settles_at", sa.Double, nullable=False),
    sa.Index("ix_instances_scope", "account_id", "region", "created_at", "id"),
)

instance_replicas = sa.Table(
    "instance_replicas",
    metadata,
    sa.Column("instance_id", sa.String(36), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("arn", sa.String(256), nullable=False, unique=True),
    sa.Column("alias", sa.String(64), nullable=True),
    sa.Column("alias_key", sa.String(64), nullable=True, unique=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("settles_at", sa.Double, nullable=False),
    sa.Index("ix_instance_replicas_scope", "account_id", "region", "created_at", "instance_id"),
)

# A group spans the two regions of a replicated instance; ``region`` is its home.
# ``distribution`` holds the three configs of UpdateTrafficDistribution
# ({"telephony": {region: percent}, "sign_in": {...}, "agent": {...}}).
traffic_distribution_groups = sa.Table(
    "traffic_distribution_groups",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("instance_id", sa.String(36), nullable=False),
    sa.Column("arn", sa.String(256), nullable=False, unique=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("description", sa.String(250), nullable=True),
    sa.Column("is_default", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("settles_at", sa.Double, nullable=False),
    sa.Column("distribution", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=True),
    sa.Column("update_settles_at", sa.Double, nullable=True),
    sa.Column("deleted_at", sa.Double, nullable=True),
    sa.Column("delete_settles_at", sa.Double, nullable=True),
    sa.UniqueConstraint("instance_id", "name", name="uq_tdg_instance_name"),
    sa.Index("ix_tdgs_scope", "account_id", "created_at", "id"),
)

tags = sa.Table(
    "tags",
    metadata,
    sa.Column("resource_arn", sa.String(512), primary_key=True),
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

idempotency = sa.Table(
    "idempotency",
    metadata,
    sa.Column("account_id", sa.String(12), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("operation", sa.String(64), primary_key=True),
    sa.Column("token", sa.String(500), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("outcome", sa.JSON, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False, index=True),
)

phone_numbers = sa.Table(
    "phone_numbers",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("e164", sa.String(16), nullable=False, unique=True),
    sa.Column("arn", sa.String(256), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("target_arn", sa.String(256), nullable=False),
    sa.Column("instance_id", sa.String(36), nullable=True),
    sa.Column("description", sa.String(500), nullable=True),
    sa.Column("source_arn", sa.String(512), nullable=True),
    sa.Column("operation", sa.String(16), nullable=False),
    sa.Column("started_at", sa.Double, nullable=False),
    sa.Column("settles_at", sa.Double, nullable=False),
    sa.Column("failure", sa.String(255), nullable=True),
    sa.Index("ix_phone_numbers_scope", "account_id", "region", "e164"),
    # what a target holds, counted from the index alone (failed claims left out)
    sa.Index("ix_phone_numbers_target", "target_arn", "failure", "operation"),
    # the admin listing's filters
    sa.Index("ix_phone_numbers_instance", "instance_id", "e164"),
    sa.Index("ix_phone_numbers_account", "account_id", "e164"),
    sa.Index("ix_phone_numbers_settles", "settles_at"),  # the admin summary: unsettled numbers
)
# the admin summary: the few numbers whose last operation fails
sa.Index(
    "ix_phone_numbers_failed",
    phone_numbers.c.account_id,
    phone_numbers.c.region,
    sqlite_where=phone_numbers.c.failure.is_not(None),
    postgresql_where=phone_numbers.c.failure.is_not(None),
)

releases = sa.Table(
    "releases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("phone_number_id", sa.String(36), nullable=False),
    sa.Column("e164", sa.String(16), nullable=False),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("released_at", sa.Double, nullable=False),
    sa.Column("cooldown_until", sa.Double, nullable=False),
    sa.Column("restored_at", sa.Double, nullable=True),
    sa.Column("snapshot", sa.JSON, nullable=False),
    sa.Index("ix_releases_number", "e164", "cooldown_until"),
)
# Releases per account, region and service day (floor of released_at / 86,400), bumped by
# each release in its transaction and never lowered (a restore or a purge leaves them): the
# churn rule's upper bound sums the window's days instead of counting every release in it.
churn_days = sa.Table(
    "churn_days",
    metadata,
    sa.Column("account_id", sa.String(12), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("day", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("releases", sa.Integer, nullable=False),
)
# the churn rule's exact count: only releases a restore has not undone (every query that
# reads releases by account, region and time asks for those alone: no full index is kept)
sa.Index(
    "ix_releases_churn_live",
    releases.c.account_id,
    releases.c.region,
    releases.c.released_at,
    sqlite_where=releases.c.restored_at.is_(None),
    postgresql_where=releases.c.restored_at.is_(None),
)

# the admin listing of cooldowns: cooling releases, the soonest end first (and their
# scope, so that counting them per account and region reads the index alone)
sa.Index(
    "ix_releases_cooling",
    releases.c.cooldown_until,
    releases.c.id,
    releases.c.account_id,
    releases.c.region,
    sqlite_where=releases.c.restored_at.is_(None),
    postgresql_where=releases.c.restored_at.is_(None),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("time", sa.Double, nullable=False),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("e164", sa.String(16), nullable=False),
    sa.Column("phone_number_id", sa.String(36), nullable=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("principal", sa.String(256), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Index("ix_events_number", "e164", "id"),
)

inventory = sa.Table(
    "inventory",
    metadata,
    sa.Column("e164", sa.String(16), primary_key=True),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Index("ix_inventory_bucket", "country", "type", "e164"),
)

contact_flows = sa.Table(
    "contact_flows",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("instance_id", sa.String(36), nullable=False),
    sa.Column("arn", sa.String(512), nullable=False, unique=True),
    sa.Column("name", sa.String(512), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("modified_at", sa.Double, nullable=False),
    sa.Column("modified_region", sa.String(32), nullable=False),
    sa.UniqueConstraint("instance_id", "region", "name", name="uq_contact_flow_name"),
)

# One flow per phone number and region; for a number of a traffic distribution
# group each region's instance has its own association.
flow_associations = sa.Table(
    "flow_associations",
    metadata,
    sa.Column("phone_number_id", sa.String(36), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("instance_id", sa.String(36), nullable=False),
    sa.Column("contact_flow_id", sa.String(36), nullable=False),
    sa.Column("phone_number_arn", sa.String(256), nullable=False),
    sa.Column("contact_flow_arn", sa.String(512), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Index("ix_flow_associations_instance", "instance_id", "region", "phone_number_arn"),
    sa.Index("ix_flow_associations_flow", "contact_flow_id"),
)

source_numbers = sa.Table(
    "source_numbers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("arn", sa.String(256), nullable=False, unique=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("e164", sa.String(16), nullable=False, unique=True),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Index("ix_source_numbers_scope", "account_id", "region", "e164"),
)

# Attributes set by UpdateInstanceAttribute, one row per attribute that was set
# (INBOUND_CALLS and OUTBOUND_CALLS live in ``instances``); an attribute without
# a row has its default.
instance_attributes = sa.Table(
    "instance_attributes",
    metadata,
    sa.Column("instance_id", sa.String(36), primary_key=True),
    sa.Column("attribute_type", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(100), nullable=False),
)

# Data sets of the analytics data lake shared with an account, per instance and region.
analytics_data_associations = sa.Table(
    "analytics_data_associations",
    metadata,
    sa.Column("instance_id", sa.String(36), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("data_set_id", sa.String(255), primary_key=True),
    sa.Column("target_account_id", sa.String(12), primary_key=True),
    sa.Column("account_id", sa.String(12), nullable=False),
    sa.Column("resource_share_id", sa.String(36), nullable=False),
    sa.Column("resource_share_arn", sa.String(256), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
)
# Fault rules in the order they were added (``seq``); ``remaining`` is None for a
# rule that hits until it is removed, and is decremented by a conditional UPDATE
# per hit; ``seen`` counts the matching requests a seeded probability decided on.
fault_rules = sa.Table(
    "fault_rules",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("rule", sa.JSON, nullable=False),
    sa.Column("remaining", sa.Integer, nullable=True),
    sa.Column("hits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("seen", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.Double, nullable=False),
)

# One row: bumped by every change of the configuration, the fault rules or a reset,
# so that each server process knows, from one cheap read, whether what it keeps is
# still current. A reset bumps it rather than deleting it.
state_version = sa.Table(
    "state_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# Token buckets of the throttling rule, shared by every process and node while
# throttling is on; ``updated_at`` is wall-clock time (epoch seconds).
throttle_buckets = sa.Table(
    "throttle_buckets",
    metadata,
    sa.Column("account_id", sa.String(12), primary_key=True),
    sa.Column("region", sa.String(32), primary_key=True),
    sa.Column("operation", sa.String(64), primary_key=True),
    sa.Column("tokens", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
)
