//! First schema: departments, roles, users (citizens, companies and staff), server-side sessions and
//! the hash-chained audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Roles are data so that the audit log and the admin pages can name them, but their codes are fixed:
/// the code in `app::domain::role::Role` is the source, this table mirrors it.
const ROLES: &[(&str, &str, bool)] = &[
    ("citizen", "自然人用户", false),
    ("company", "法人用户", false),
    ("clerk", "窗口人员", true),
    ("reviewer", "承办审核人", true),
    ("approver", "批准人", true),
    ("head", "部门负责人", true),
    ("supervisor", "监察员", true),
    ("admin", "系统管理员", true),
    ("security_admin", "安全管理员", true),
    ("audit_admin", "审计管理员", true),
];

/// The `prev_hash` of the first audit entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("departments")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 32))
                    .col(string_len("name", 100))
                    .col(string_len("short_name", 40))
                    .col(string_len("phone", 40).default(""))
                    .col(string_len("address", 200).default(""))
                    .col(integer("sort_order").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("roles")
                    .col(string_len("code", 32).primary_key())
                    .col(string_len("name", 40))
                    .col(boolean("is_staff"))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert
            .into_table("roles")
            .columns(["code", "name", "is_staff"]);
        for (code, name, is_staff) in ROLES {
            insert.values_panic([(*code).into(), (*name).into(), (*is_staff).into()]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("username", 64))
                    .col(string_len("display_name", 100))
                    // 'person' (自然人), 'company' (法人) or 'staff' (工作人员)
                    .col(string_len("kind", 16))
                    .col(integer_null("department_id"))
                    .col(string_len("password_hash", 200))
                    .col(string_len_null("email", 254))
                    .col(string_len_null("mobile", 20))
                    .col(boolean("is_active").default(true))
                    .col(integer("failed_logins").default(0))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_department")
                            .from("users", "department_id")
                            .to("departments", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("user_roles")
                    .col(integer("user_id"))
                    .col(string_len("role_code", 32))
                    .primary_key(Index::create().col("user_id").col("role_code"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_roles_user")
                            .from("user_roles", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_roles_role")
                            .from("user_roles", "role_code")
                            .to("roles", "code")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        // The cookie carries a random token; only its SHA-256 is stored, so a leaked database
        // cannot be replayed as live sessions.
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string_len("token_hash", 64).primary_key())
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(integer("idle_timeout_secs"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from("sessions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table("sessions")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;

        // Append-only: each row stores the hash of the previous one, so `yizhan verify-audit`
        // detects an edited or deleted entry.
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(integer_null("actor_user_id"))
                    .col(string_len("actor", 64))
                    .col(string_len("action", 64))
                    .col(string_len("target", 128))
                    .col(text("detail"))
                    .col(string_len("prev_hash", 64))
                    .col(string_len("hash", 64))
                    .to_owned(),
            )
            .await?;
        // One row holding the hash of the newest entry. Every append first updates this row, which
        // takes the write lock on SQLite and the row lock on PostgreSQL, so two servers appending at
        // once still form one chain.
        manager
            .create_table(
                Table::create()
                    .table("audit_head")
                    .col(integer("id").primary_key())
                    .col(big_integer("entries"))
                    .col(string_len("last_hash", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("audit_head")
                    .columns(["id", "entries", "last_hash"])
                    .values_panic([1.into(), 0i64.into(), GENESIS_HASH.into()])
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_at")
                    .table("audit_log")
                    .col("at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_head",
            "audit_log",
            "sessions",
            "user_roles",
            "users",
            "roles",
            "departments",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
