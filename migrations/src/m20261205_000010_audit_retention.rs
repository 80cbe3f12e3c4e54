//! The audit log is append-only in the database itself, and kept for a configured time of at
//! least six months (等保 level 3): triggers refuse any change to an entry and any deletion of one
//! younger than 183 days; the chain's anchor moves forward when old entries are pruned, so
//! `verify-audit` still checks from the first entry kept.

use crate::m20261123_000001_departments_users_roles::GENESIS_HASH;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = "
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log is append-only';
  END IF;
  IF OLD.at > now() - interval '183 days' THEN
    RAISE EXCEPTION 'audit entries are kept at least 183 days';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
";

const SQLITE_UP: [&str; 2] = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    // Timestamps are stored as RFC 3339 text, which compares in time order.
    "CREATE TRIGGER audit_log_keep BEFORE DELETE ON audit_log \
     WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%f', 'now', '-183 days') \
     BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least 183 days'); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_head")
                    // The `prev_hash` of the first entry kept: the genesis hash until a prune.
                    .add_column(string_len("anchor_hash", 64).default(GENESIS_HASH))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(POSTGRES_UP).await?;
            }
            _ => {
                for statement in SQLITE_UP {
                    db.execute_unprepared(statement).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_append_only ON audit_log; \
                     DROP FUNCTION audit_log_append_only();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER audit_log_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER audit_log_keep").await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table("audit_head")
                    .drop_column("anchor_hash")
                    .to_owned(),
            )
            .await
    }
}
