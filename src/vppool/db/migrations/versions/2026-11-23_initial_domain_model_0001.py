"""initial domain model

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import vppool.db.types
from vppool.db.audit_guard import APPEND_ONLY_DDL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intervision_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("meeting_place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("meeting_latitude", sa.Float(), nullable=True),
        sa.Column("meeting_longitude", sa.Float(), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervision_group")),
        sa.UniqueConstraint("name", "year", name=op.f("uq_intervision_group_name_year")),
    )
    op.create_table(
        "organisation",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("requires_gender_mix", sa.Boolean(), nullable=False),
        sa.Column("wishes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("max_travel_km", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("headcount >= 1", name=op.f("ck_organisation_headcount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "trust_person",
        sa.Column("first_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("last_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column(
            "gender",
            sa.Enum(
                "female",
                "male",
                "non_binary",
                name="gender",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("gender_visible_to_clients", sa.Boolean(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("background_tags", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column(
            "home_municipality", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False
        ),
        sa.Column("home_postcode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("home_latitude", sa.Float(), nullable=False),
        sa.Column("home_longitude", sa.Float(), nullable=False),
        sa.Column("max_travel_km", sa.Float(), nullable=False),
        sa.Column("capacity_hours_per_month", sa.Float(), nullable=False),
        sa.Column("capacity_standing_clients", sa.Integer(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("experience_since", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity_hours_per_month >= 0", name=op.f("ck_trust_person_hours_nonnegative")
        ),
        sa.CheckConstraint(
            "capacity_standing_clients >= 0", name=op.f("ck_trust_person_clients_nonnegative")
        ),
        sa.CheckConstraint(
            "home_latitude BETWEEN -90 AND 90 AND home_longitude BETWEEN -180 AND 180",
            name=op.f("ck_trust_person_coordinates"),
        ),
        sa.CheckConstraint("max_travel_km >= 0", name=op.f("ck_trust_person_travel_nonnegative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_person")),
        sa.UniqueConstraint("email", name=op.f("uq_trust_person_email")),
    )
    op.create_table(
        "absence",
        sa.Column(
            "kind",
            sa.Enum(
                "leave",
                "sick",
                "training",
                "other",
                name="absence_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_absence_period")),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_absence_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absence_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "planner",
                "client",
                "trust_person",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("trust_person_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role <> 'client' OR organisation_id IS NOT NULL) AND (role <> 'trust_person' OR trust_person_id IS NOT NULL)",
            name=op.f("ck_app_user_binding"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_app_user_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_app_user_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_app_user_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_app_user_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "calendar_source",
        sa.Column(
            "kind",
            sa.Enum(
                "url",
                "upload",
                name="calendar_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("refresh_minutes", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column(
            "last_modified_header", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True
        ),
        sa.Column("last_fetched_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("last_error_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("byte_count", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'url' OR url IS NOT NULL", name=op.f("ck_calendar_source_url_given")
        ),
        sa.CheckConstraint("refresh_minutes >= 5", name=op.f("ck_calendar_source_refresh")),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_calendar_source_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_source")),
    )
    with op.batch_alter_table("calendar_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_source_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "certification",
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("expires_on > issued_on", name=op.f("ck_certification_period")),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_certification_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification")),
        sa.UniqueConstraint("number", name=op.f("uq_certification_number")),
    )
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "date_override",
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL) OR end_time > start_time",
            name=op.f("ck_date_override_range"),
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_date_override_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_override")),
    )
    with op.batch_alter_table("date_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_date_override_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "intervision_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["intervision_group.id"],
            name=op.f("fk_intervision_member_group_id_intervision_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_intervision_member_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervision_member")),
        sa.UniqueConstraint(
            "group_id",
            "trust_person_id",
            name=op.f("uq_intervision_member_group_id_trust_person_id"),
        ),
    )
    with op.batch_alter_table("intervision_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervision_member_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intervision_member_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "intervision_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="session_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_intervision_session_period")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["intervision_group.id"],
            name=op.f("fk_intervision_session_group_id_intervision_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervision_session")),
    )
    with op.batch_alter_table("intervision_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervision_session_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "preference",
        sa.Column(
            "party",
            sa.Enum(
                "client",
                "trust_person",
                name="preference_party",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("strength BETWEEN -2 AND 2", name=op.f("ck_preference_strength")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_preference_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_preference_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preference")),
        sa.UniqueConstraint(
            "trust_person_id",
            "organisation_id",
            "party",
            name=op.f("uq_preference_trust_person_id_organisation_id_party"),
        ),
    )
    with op.batch_alter_table("preference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preference_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_preference_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "site",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("is_main", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180",
            name=op.f("ck_site_coordinates"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_site_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
    )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_site_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "weekly_availability",
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_weekly_availability_range")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_weekly_availability_weekday")),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_weekly_availability_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_availability")),
    )
    with op.batch_alter_table("weekly_availability", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_availability_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_api_token_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["app_user.id"],
            name=op.f("fk_audit_entry_actor_user_id_app_user"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entry_actor_user_id"), ["actor_user_id"], unique=False
        )

    op.create_table(
        "busy_interval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_source_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tentative", sa.Boolean(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_busy_interval_period")),
        sa.ForeignKeyConstraint(
            ["calendar_source_id"],
            ["calendar_source.id"],
            name=op.f("fk_busy_interval_calendar_source_id_calendar_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_busy_interval")),
    )
    with op.batch_alter_table("busy_interval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_busy_interval_calendar_source_id"), ["calendar_source_id"], unique=False
        )

    op.create_table(
        "conflict_of_interest",
        sa.Column(
            "reason",
            sa.Enum(
                "employment",
                "hr_role",
                "company_doctor",
                "company_social_worker",
                "management",
                "works_council",
                "personal_tie",
                "other",
                name="conflict_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on > starts_on",
            name=op.f("ck_conflict_of_interest_period"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_conflict_of_interest_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_conflict_of_interest_recorded_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_conflict_of_interest_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_recorded_by_user_id"),
            ["recorded_by_user_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "education_record",
        sa.Column(
            "category",
            sa.Enum(
                "accredited_course",
                "intervision",
                "other",
                name="education_category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("accredited", sa.Boolean(), nullable=False),
        sa.Column("evidence_ref", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("intervision_session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("hours > 0", name=op.f("ck_education_record_hours_positive")),
        sa.ForeignKeyConstraint(
            ["intervision_session_id"],
            ["intervision_session.id"],
            name=op.f("fk_education_record_intervision_session_id_intervision_session"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_education_record_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_education_record")),
    )
    with op.batch_alter_table("education_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_education_record_intervision_session_id"),
            ["intervision_session_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_education_record_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "feed_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "vp_schedule",
                "vp_availability",
                "organisation_availability",
                name="feed_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("trust_person_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(kind = 'organisation_availability' AND organisation_id IS NOT NULL) OR (kind <> 'organisation_availability' AND trust_person_id IS NOT NULL)",
            name=op.f("ck_feed_token_target"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_feed_token_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_feed_token_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_feed_token_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_token_token_hash")),
    )
    with op.batch_alter_table("feed_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feed_token_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feed_token_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feed_token_trust_person_id"), ["trust_person_id"], unique=False
        )

    op.create_table(
        "intervision_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["intervision_session.id"],
            name=op.f("fk_intervision_attendance_session_id_intervision_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_intervision_attendance_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervision_attendance")),
        sa.UniqueConstraint(
            "session_id",
            "trust_person_id",
            name=op.f("uq_intervision_attendance_session_id_trust_person_id"),
        ),
    )
    with op.batch_alter_table("intervision_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervision_attendance_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intervision_attendance_trust_person_id"),
            ["trust_person_id"],
            unique=False,
        )

    op.create_table(
        "matching_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "cancelled",
                name="matching_run_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("solver_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("objective", sa.Float(), nullable=True),
        sa.Column("best_bound", sa.Float(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("seats_total", sa.Integer(), nullable=True),
        sa.Column("seats_filled", sa.Integer(), nullable=True),
        sa.Column("first_feasible_s", sa.Float(), nullable=True),
        sa.Column("wall_s", sa.Float(), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", vppool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_matching_run_created_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_run")),
    )
    with op.batch_alter_table("matching_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_matching_run_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_matching_run_status"), ["status"], unique=False)

    op.create_table(
        "need",
        sa.Column(
            "kind",
            sa.Enum(
                "standing",
                "absence_cover",
                "reorganisation",
                "aftercare",
                name="need_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("expected_hours_per_month", sa.Float(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum(
                "low",
                "normal",
                "high",
                "critical",
                name="urgency",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requires_gender_mix", sa.Boolean(), nullable=False),
        sa.Column("max_travel_km", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "declined",
                "open",
                "closed",
                "cancelled",
                name="need_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name=op.f("ck_need_period")),
        sa.CheckConstraint("expected_hours_per_month >= 0", name=op.f("ck_need_hours_nonnegative")),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_need_seats_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_need_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_user_id"],
            ["app_user.id"],
            name=op.f("fk_need_requested_by_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_need_site_id_site"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_need_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_need_requested_by_user_id"), ["requested_by_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_need_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_status"), ["status"], unique=False)

    op.create_table(
        "assignment",
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "confirmed",
                "ended",
                "cancelled",
                name="assignment_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("works_council_consent_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("trust_person_id", sa.Integer(), nullable=False),
        sa.Column("matching_run_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", vppool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on > starts_on", name=op.f("ck_assignment_period")
        ),
        sa.CheckConstraint("seat >= 1", name=op.f("ck_assignment_seat_positive")),
        sa.ForeignKeyConstraint(
            ["matching_run_id"],
            ["matching_run.id"],
            name=op.f("fk_assignment_matching_run_id_matching_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_assignment_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["trust_person_id"],
            ["trust_person.id"],
            name=op.f("fk_assignment_trust_person_id_trust_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_matching_run_id"), ["matching_run_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignment_need_id"), ["need_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assignment_trust_person_id"), ["trust_person_id"], unique=False
        )
        batch_op.create_index(
            "uq_assignment_confirmed_person",
            ["need_id", "trust_person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )
        batch_op.create_index(
            "uq_assignment_confirmed_seat",
            ["need_id", "seat"],
            unique=True,
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )

    # The audit log is append-only in the database itself.
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only() CASCADE")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignment_confirmed_seat",
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )
        batch_op.drop_index(
            "uq_assignment_confirmed_person",
            sqlite_where=sa.text("status = 'confirmed'"),
            postgresql_where=sa.text("status = 'confirmed'"),
        )
        batch_op.drop_index(batch_op.f("ix_assignment_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_need_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_matching_run_id"))

    op.drop_table("assignment")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_status"))
        batch_op.drop_index(batch_op.f("ix_need_site_id"))
        batch_op.drop_index(batch_op.f("ix_need_requested_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_need_organisation_id"))

    op.drop_table("need")
    with op.batch_alter_table("matching_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matching_run_status"))
        batch_op.drop_index(batch_op.f("ix_matching_run_created_by_user_id"))

    op.drop_table("matching_run")
    with op.batch_alter_table("intervision_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervision_attendance_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_intervision_attendance_session_id"))

    op.drop_table("intervision_attendance")
    with op.batch_alter_table("feed_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_token_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_feed_token_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_feed_token_created_by_user_id"))

    op.drop_table("feed_token")
    with op.batch_alter_table("education_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_education_record_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_education_record_intervision_session_id"))

    op.drop_table("education_record")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_recorded_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_organisation_id"))

    op.drop_table("conflict_of_interest")
    with op.batch_alter_table("busy_interval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_busy_interval_calendar_source_id"))

    op.drop_table("busy_interval")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_actor_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_action"))

    op.drop_table("audit_entry")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("weekly_availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_availability_trust_person_id"))

    op.drop_table("weekly_availability")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_organisation_id"))

    op.drop_table("site")
    with op.batch_alter_table("preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preference_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_preference_organisation_id"))

    op.drop_table("preference")
    with op.batch_alter_table("intervision_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervision_session_group_id"))

    op.drop_table("intervision_session")
    with op.batch_alter_table("intervision_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervision_member_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_intervision_member_group_id"))

    op.drop_table("intervision_member")
    with op.batch_alter_table("date_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_date_override_trust_person_id"))

    op.drop_table("date_override")
    with op.batch_alter_table("certification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_trust_person_id"))

    op.drop_table("certification")
    with op.batch_alter_table("calendar_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_source_trust_person_id"))

    op.drop_table("calendar_source")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_trust_person_id"))
        batch_op.drop_index(batch_op.f("ix_app_user_organisation_id"))

    op.drop_table("app_user")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_trust_person_id"))

    op.drop_table("absence")
    op.drop_table("trust_person")
    op.drop_table("organisation")
    op.drop_table("intervision_group")
