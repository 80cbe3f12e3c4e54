//! 双因素认证 (two factors for staff, 等保 level 3): an authenticator app's TOTP secret per
//! account with the last time step used (so a code works once), single-use recovery codes, and the
//! short-lived challenge between the password and the code.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const USER_COLUMNS: [&str; 3] = ["totp_secret", "totp_last_step", "totp_enrolled_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            // Base32, as the authenticator app was given it.
            string_len_null("totp_secret", 64),
            // The 30-second step of the last code accepted: an older or equal step is refused.
            big_integer_null("totp_last_step"),
            timestamp_with_time_zone_null("totp_enrolled_at"),
        ] {
            manager
                .alter_table(Table::alter().table("users").add_column(column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("recovery_codes")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    // SHA-256 of the code: shown once, never stored in clear.
                    .col(string_len("code_hash", 64).unique_key())
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recovery_codes_user")
                            .from("recovery_codes", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("login_challenges")
                    .col(string_len("token_hash", 64).primary_key())
                    .col(integer("user_id"))
                    // Set while a staff member who has no authenticator yet is enrolling one.
                    .col(string_len_null("pending_secret", 64))
                    // Its recovery codes, shown beside the QR code until the first code proves
                    // the app works; only their hashes are kept after that.
                    .col(text_null("pending_codes"))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_login_challenges_user")
                            .from("login_challenges", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["login_challenges", "recovery_codes"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in USER_COLUMNS {
            manager
                .alter_table(Table::alter().table("users").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
