//! The workflow engine's tables: process definitions, applications with their event history,
//! suspensions, clocks (with the next day each must be looked at, indexed for the scheduler),
//! cards and the notification outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("process_definitions")
                    .col(string_len("item_code", 64).primary_key())
                    .col(string_len("kind", 16))
                    // `domain::process::ProcessDefinition` as JSON, validated before saving.
                    .col(text("data"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string_len("updated_by", 64))
                    .to_owned(),
            )
            .await?;

        // Case numbers are region + date + a per-day sequence; this row hands out the sequence.
        manager
            .create_table(
                Table::create()
                    .table("case_sequences")
                    .col(string_len("day", 8).primary_key())
                    .col(integer("last"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("applications")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("case_no", 20))
                    .col(string_len("item_code", 64))
                    .col(integer_null("applicant_user_id"))
                    .col(string_len("applicant_name", 100))
                    .col(string_len("state", 32))
                    .col(string_len_null("current_step", 32))
                    // Optimistic concurrency: every update says which version it read.
                    .col(integer("version"))
                    // The process definition as it was at submission: later edits do not change
                    // the rules a case started under.
                    .col(text("definition"))
                    .col(text("form"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_state")
                    .table("applications")
                    .col("state")
                    .to_owned(),
            )
            .await?;

        // Append-only history of every transition.
        manager
            .create_table(
                Table::create()
                    .table("application_events")
                    .col(big_pk_auto("id"))
                    .col(integer("application_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string_len("action", 32))
                    .col(string_len("actor", 64))
                    .col(integer_null("actor_user_id"))
                    .col(string_len("from_state", 32))
                    .col(string_len("to_state", 32))
                    .col(text("detail"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_application")
                            .from("application_events", "application_id")
                            .to("applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_application")
                    .table("application_events")
                    .col("application_id")
                    .to_owned(),
            )
            .await?;

        // 特别程序 as intervals, never as a flag (DESIGN.md §4.2).
        manager
            .create_table(
                Table::create()
                    .table("suspensions")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    .col(string_len("kind", 32))
                    .col(text("reason"))
                    .col(string_len("legal_basis", 200))
                    .col(integer("expected_days"))
                    .col(date("from_date"))
                    .col(date_null("to_date"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_suspensions_application")
                            .from("suspensions", "application_id")
                            .to("applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("clocks")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    // acceptance, legal, promised, step:<code>, branch:<department>, delivery
                    .col(string_len("kind", 48))
                    .col(date("start_date"))
                    .col(integer("limit_days"))
                    .col(string_len("day_count", 16))
                    .col(text("extensions"))
                    // Whether 特别程序 stops this clock (the decision clocks) or not.
                    .col(boolean("pausable"))
                    // running, paused, stopped
                    .col(string_len("status", 16))
                    .col(date_null("due_date"))
                    // The next day the scheduler must look at this clock; null when stopped.
                    .col(date_null("next_check"))
                    .col(string_len("card", 8))
                    .col(date_null("stopped_on"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_clocks_application")
                            .from("clocks", "application_id")
                            .to("applications", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_clocks_next_check")
                    .table("clocks")
                    .col("next_check")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_clocks_application")
                    .table("clocks")
                    .col("application_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cards")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    .col(integer("clock_id"))
                    .col(string_len("color", 8))
                    .col(date("due_date"))
                    .col(timestamp_with_time_zone("issued_at"))
                    .to_owned(),
            )
            .await?;
        // One card of each colour per clock, however many schedulers race.
        manager
            .create_index(
                Index::create()
                    .name("uq_cards_clock_color")
                    .table("cards")
                    .col("clock_id")
                    .col("color")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Transactional outbox: written with the event, sent later; the key makes each
        // (event, recipient) message exist once.
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("dedupe_key", 200))
                    .col(string_len("kind", 32))
                    .col(string_len("recipient", 200))
                    .col(text("payload"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(integer("attempts").default(0))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "outbox",
            "cards",
            "clocks",
            "suspensions",
            "application_events",
            "applications",
            "case_sequences",
            "process_definitions",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
