//! 工作日历 years imported by administrators, over the years shipped in the code.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("calendar_years")
                    .col(integer("year").primary_key())
                    .col(string_len("source", 200))
                    // The year as `domain::calendar::YearCalendar` JSON, validated before saving.
                    .col(text("data"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string_len("updated_by", 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("calendar_years").to_owned())
            .await
    }
}
