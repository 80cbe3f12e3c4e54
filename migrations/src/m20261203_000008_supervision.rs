//! 电子监察 and 好差评 (DESIGN.md §4.7): the milestones of each case that the figures are made of
//! (received, accepted, decided; on time, early, working days used), the card life cycle
//! (issued → explained → closed or escalated) with its history, ratings ruled malicious, the
//! rectification a bad rating opens, per-day per-department figures pre-aggregated for the
//! dashboard, and the supervisors' settings (grade weights and thresholds).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Milestones of a case, written by the transition that reaches them.
const APPLICATION_COLUMNS: [&str; 6] = [
    "received_on",
    "accepted_on",
    "decided_on",
    "on_time",
    "early",
    "used_days",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            date_null("received_on"),
            date_null("accepted_on"),
            // 准予 / 不予许可: the day the decision clocks stopped.
            date_null("decided_on"),
            // Decided by the legal deadline (with extensions and suspensions).
            boolean_null("on_time"),
            // Decided before the promised deadline.
            boolean_null("early"),
            // Working days the legal clock counted, suspensions excluded.
            integer_null("used_days"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("applications")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Cases from before this migration: the days come from their clocks.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE applications SET \
                 received_on = (SELECT MIN(c.start_date) FROM clocks c \
                   WHERE c.application_id = applications.id AND c.kind = 'acceptance'), \
                 accepted_on = (SELECT MIN(c.start_date) FROM clocks c \
                   WHERE c.application_id = applications.id AND c.kind = 'legal'), \
                 decided_on = (SELECT MAX(c.stopped_on) FROM clocks c \
                   WHERE c.application_id = applications.id AND c.kind = 'legal' \
                   AND applications.state IN ('granted', 'denied', 'concluded', 'delivered'))",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE applications SET on_time = (decided_on <= (SELECT MAX(c.due_date) \
                   FROM clocks c WHERE c.application_id = applications.id AND c.kind = 'legal')), \
                 early = (decided_on < (SELECT MAX(c.due_date) FROM clocks c \
                   WHERE c.application_id = applications.id AND c.kind = 'promised')) \
                 WHERE decided_on IS NOT NULL",
            )
            .await?;
        for (name, col) in [
            ("idx_applications_received_on", "received_on"),
            ("idx_applications_accepted_on", "accepted_on"),
            ("idx_applications_decided_on", "decided_on"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("applications")
                        .col(col)
                        .col("department_code")
                        .to_owned(),
                )
                .await?;
        }

        // 当前超期: running clocks past their day, found without reading every clock.
        manager
            .create_index(
                Index::create()
                    .name("idx_clocks_status_due")
                    .table("clocks")
                    .col("status")
                    .col("due_date")
                    .to_owned(),
            )
            .await?;

        // Ratings: the local day (for the figures) and a supervisor's ruling.
        for column in [
            date_null("rated_on"),
            text_null("malicious_reason"),
            string_len_null("malicious_by", 100),
            timestamp_with_time_zone_null("malicious_at"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("ratings")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let day = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "UPDATE ratings SET rated_on = (created_at AT TIME ZONE 'Asia/Shanghai')::date"
            }
            _ => "UPDATE ratings SET rated_on = date(created_at, '+8 hours')",
        };
        manager.get_connection().execute_unprepared(day).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ratings_rated_on")
                    .table("ratings")
                    .col("rated_on")
                    .to_owned(),
            )
            .await?;

        // 整改: one per bad rating, with the callback and rectification clocks.
        manager
            .create_table(
                Table::create()
                    .table("rectifications")
                    .col(pk_auto("id"))
                    .col(integer_uniq("rating_id"))
                    .col(string_len("department_code", 32))
                    // open | called_back | rectified | dismissed (rating ruled malicious)
                    .col(string_len("state", 16))
                    .col(date("opened_on"))
                    .col(date("callback_due"))
                    .col(date("fix_due"))
                    .col(date_null("called_back_on"))
                    .col(text_null("callback_note"))
                    .col(date_null("fixed_on"))
                    .col(text_null("fix_note"))
                    // What the rater was told.
                    .col(text_null("reply"))
                    .col(string_len_null("handled_by", 100))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rectifications_department")
                    .table("rectifications")
                    .col("department_code")
                    .col("state")
                    .to_owned(),
            )
            .await?;

        // The card life cycle, on the cards of cases and of conversations alike.
        for table in ["cards", "conversation_cards"] {
            for column in [
                // issued | explained | closed | escalated
                string_len("status", 16).default("issued").to_owned(),
                text_null("explanation"),
                timestamp_with_time_zone_null("updated_at"),
            ] {
                manager
                    .alter_table(Table::alter().table(table).add_column(column).to_owned())
                    .await?;
            }
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{table}_status"))
                        .table(table)
                        .col("status")
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("card_events")
                    .col(big_pk_auto("id"))
                    // case | talk: which card table `card_id` points into.
                    .col(string_len("source", 8))
                    .col(integer("card_id"))
                    // explain | close | escalate
                    .col(string_len("action", 16))
                    .col(text("text"))
                    .col(string_len("actor", 100))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_card_events_card")
                    .table("card_events")
                    .col("source")
                    .col("card_id")
                    .to_owned(),
            )
            .await?;

        // Figures of one finished day and one department, so that a year of a million cases is
        // summed from a few thousand rows. Days are final once over; a ruling on a rating
        // recomputes its day.
        manager
            .create_table(
                Table::create()
                    .table("daily_figures")
                    .col(date("day"))
                    .col(string_len("department_code", 32))
                    .col(integer("received"))
                    .col(integer("accepted"))
                    .col(integer("decided"))
                    .col(integer("on_time"))
                    .col(integer("early"))
                    .col(integer("used_days"))
                    .col(integer("used_days_cases"))
                    // Ratings not ruled malicious, by level (1 = 非常不满意 … 5 = 非常满意).
                    .col(integer("rated_1"))
                    .col(integer("rated_2"))
                    .col(integer("rated_3"))
                    .col(integer("rated_4"))
                    .col(integer("rated_5"))
                    .primary_key(Index::create().col("day").col("department_code"))
                    .to_owned(),
            )
            .await?;
        // Supervisors' settings (JSON values) and the day the figures are complete through.
        manager
            .create_table(
                Table::create()
                    .table("supervision_settings")
                    .col(string_len("key", 32).primary_key())
                    .col(text("value"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "supervision_settings",
            "daily_figures",
            "card_events",
            "rectifications",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for table in ["cards", "conversation_cards"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_status"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
            for column in ["status", "explanation", "updated_at"] {
                manager
                    .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                    .await?;
            }
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_ratings_rated_on")
                    .table("ratings")
                    .to_owned(),
            )
            .await?;
        for column in [
            "rated_on",
            "malicious_reason",
            "malicious_by",
            "malicious_at",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("ratings")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_clocks_status_due")
                    .table("clocks")
                    .to_owned(),
            )
            .await?;
        for name in [
            "idx_applications_received_on",
            "idx_applications_accepted_on",
            "idx_applications_decided_on",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("applications").to_owned())
                .await?;
        }
        for column in APPLICATION_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("applications")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
