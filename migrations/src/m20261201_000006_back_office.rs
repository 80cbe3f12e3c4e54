//! The back office: the lead department of each case (for queues), who is working on it, the
//! identity of walk-in applicants without an account, structured detail of events (the materials a
//! 补正 notice lists, a decision's legal basis, delivery), the service hall department, and the
//! signed 电子证照 (certificates).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const APPLICATION_COLUMNS: [&str; 6] = [
    "department_code",
    "current_role",
    "assignee_id",
    "applicant_id_number",
    "applicant_mobile",
    "channel",
];

const APPLICATION_INDEXES: [(&str, &[&str]); 5] = [
    ("idx_applications_assignee", &["assignee_id"]),
    (
        "idx_applications_department_state",
        &["department_code", "state"],
    ),
    (
        "idx_applications_applicant_id_number",
        &["applicant_id_number"],
    ),
    ("idx_applications_applicant_mobile", &["applicant_mobile"]),
    ("idx_applications_applicant_name", &["applicant_name"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one change per ALTER TABLE.
        for column in [
            // 主办部门 code, copied from the case's process definition.
            string_len("department_code", 32).default("").to_owned(),
            // The role of the current step (审查 by a reviewer, 批准 by an approver), for queues.
            string_len_null("current_role", 32),
            // The staff member who claimed or was assigned the case.
            integer_null("assignee_id"),
            // 窗口收件 for a person without an account: who they are, for search and notices.
            string_len_null("applicant_id_number", 18),
            string_len_null("applicant_mobile", 20),
            // online | counter
            string_len("channel", 16).default("online").to_owned(),
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
        let backfill = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "UPDATE applications SET department_code = \
                 COALESCE(definition::json->>'lead_department', '')"
            }
            _ => {
                "UPDATE applications SET department_code = \
                 COALESCE(json_extract(definition, '$.lead_department'), '')"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(backfill)
            .await?;
        for (name, columns) in APPLICATION_INDEXES {
            let mut index = Index::create();
            index.name(name).table("applications");
            for c in columns {
                index.col(*c);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .alter_table(
                Table::alter()
                    .table("application_events")
                    .add_column(text_null("data"))
                    .to_owned(),
            )
            .await?;
        // 政务服务大厅: its window clerks take in and accept cases for every department.
        manager
            .alter_table(
                Table::alter()
                    .table("departments")
                    .add_column(boolean("is_hall").default(false).to_owned())
                    .to_owned(),
            )
            .await?;

        // 电子证照: the signed content is kept as the exact text that was signed.
        manager
            .create_table(
                Table::create()
                    .table("certificates")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 32))
                    .col(integer("application_id"))
                    .col(string_len("case_no", 32))
                    .col(text("content"))
                    .col(string_len("signature", 128))
                    .col(string_len("key_id", 32))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(string_len("revoked_reason", 500).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_case_no")
                    .table("certificates")
                    .col("case_no")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("certificates").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("departments")
                    .drop_column("is_hall")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("application_events")
                    .drop_column("data")
                    .to_owned(),
            )
            .await?;
        for (name, _) in APPLICATION_INDEXES {
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
