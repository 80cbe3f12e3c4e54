//! 网上申请 and 结果反馈: the identity of citizen and company accounts, failure throttles, the
//! application forms administrators define per item, drafts, uploaded files, the materials of a
//! case, idempotent submission, the in-app message centre, ratings, and retry bookkeeping for the
//! outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one change per ALTER TABLE.
        for column in [
            // 身份证号 of a person; 统一社会信用代码 of a company; its 经办人.
            string_len_null("id_number", 18),
            string_len_null("credit_code", 18),
            string_len_null("agent_name", 100),
            string_len_null("agent_id_number", 18),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("users")
                        .add_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        // One account per ID number and per credit code (NULLs do not collide).
        for column in ["id_number", "credit_code"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_users_{column}"))
                        .table("users")
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }

        // Counters of failures per key (an account, a device, an address) in a time window.
        manager
            .create_table(
                Table::create()
                    .table("throttles")
                    .col(string_len("key", 200).primary_key())
                    .col(timestamp_with_time_zone("window_start"))
                    .col(integer("hits"))
                    .to_owned(),
            )
            .await?;

        // 申请表 of an item as administrators define it (JSON), versioned for stale-edit checks.
        manager
            .create_table(
                Table::create()
                    .table("application_forms")
                    .col(string_len("item_code", 64).primary_key())
                    .col(text("definition"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string_len("updated_by", 64))
                    .to_owned(),
            )
            .await?;

        // Files an account uploaded; the bytes live in the content-addressed store.
        manager
            .create_table(
                Table::create()
                    .table("uploads")
                    .col(big_pk_auto("id"))
                    .col(integer("owner_user_id"))
                    .col(string_len("sha256", 64))
                    .col(big_integer("size"))
                    .col(string_len("content_type", 64))
                    .col(string_len("file_name", 200))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        // One draft per account and item: the values typed so far, the materials attached
        // (material code → upload id) and what was wrong at the last save.
        manager
            .create_table(
                Table::create()
                    .table("drafts")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(string_len("item_code", 64))
                    .col(text("form"))
                    .col(text("materials"))
                    .col(text("problems"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_drafts_user_item")
                    .table("drafts")
                    .col("user_id")
                    .col("item_code")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // 查询密码 of each case (shown on the receipt; the status page asks for it).
        manager
            .alter_table(
                Table::alter()
                    .table("applications")
                    .add_column(string_len("query_code", 16).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_applications_applicant")
                    .table("applications")
                    .col("applicant_user_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;

        // The materials of a case, per submission round (1 = the application, 2… = supplements).
        manager
            .create_table(
                Table::create()
                    .table("application_materials")
                    .col(pk_auto("id"))
                    .col(integer("application_id"))
                    .col(integer("round"))
                    .col(string_len("material_code", 32))
                    .col(string_len("material_name", 200))
                    .col(big_integer("upload_id"))
                    .col(string_len("sha256", 64))
                    .col(big_integer("size"))
                    .col(string_len("content_type", 64))
                    .col(string_len("file_name", 200))
                    .col(timestamp_with_time_zone("added_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_application_materials_case")
                    .table("application_materials")
                    .col("application_id")
                    .to_owned(),
            )
            .await?;

        // Idempotency-Key of a submission: the same key from the same account gives the same case.
        manager
            .create_table(
                Table::create()
                    .table("idempotency_keys")
                    .col(integer("user_id"))
                    .col(string_len("key", 100))
                    .col(string_len("case_no", 20))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("user_id").col("key"))
                    .to_owned(),
            )
            .await?;

        // 消息中心: what an account was told, in the app.
        manager
            .create_table(
                Table::create()
                    .table("messages")
                    .col(big_pk_auto("id"))
                    .col(integer("user_id"))
                    .col(string_len("title", 200))
                    .col(text("body"))
                    .col(string_len_null("case_no", 20))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_user")
                    .table("messages")
                    .col("user_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;

        // 好差评: one rating per rated thing (a case now; consultations and letters later).
        manager
            .create_table(
                Table::create()
                    .table("ratings")
                    .col(pk_auto("id"))
                    .col(string_len("target_kind", 16))
                    .col(string_len("target_id", 40))
                    .col(integer_null("user_id"))
                    .col(string_len("department_code", 64))
                    .col(string_len("item_code", 64))
                    .col(integer("level"))
                    .col(text("comment"))
                    .col(string_len("channel", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ratings_target")
                    .table("ratings")
                    .col("target_kind")
                    .col("target_id")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Retries of the outbox: when the next try is due, and why the last one failed.
        for column in [
            timestamp_with_time_zone_null("next_attempt_at"),
            text_null("last_error"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("outbox")
                        .add_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_pending")
                    .table("outbox")
                    .col("sent_at")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "ratings",
            "messages",
            "idempotency_keys",
            "application_materials",
            "drafts",
            "uploads",
            "application_forms",
            "throttles",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_pending")
                    .table("outbox")
                    .to_owned(),
            )
            .await?;
        for column in ["next_attempt_at", "last_error"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("outbox")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_applications_applicant")
                    .table("applications")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("applications")
                    .drop_column("query_code")
                    .to_owned(),
            )
            .await?;
        for column in ["id_number", "credit_code"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_users_{column}"))
                        .table("users")
                        .to_owned(),
                )
                .await?;
        }
        for column in ["id_number", "credit_code", "agent_name", "agent_id_number"] {
            manager
                .alter_table(Table::alter().table("users").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
