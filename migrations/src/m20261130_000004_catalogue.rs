//! The service catalogue: 事项 (service items) with their published guide, the version history of
//! every guide, topics for browsing, and the downloadable form files (表格下载).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("service_items")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 64))
                    .col(string_len("name", 100))
                    .col(string_len("department_code", 64))
                    .col(string_len("item_type", 32))
                    .col(boolean("for_person"))
                    .col(boolean("for_company"))
                    .col(boolean("online"))
                    .col(integer("visits"))
                    .col(integer("legal_limit"))
                    .col(integer("promised_limit"))
                    .col(string_len("handling", 16))
                    .col(string_len("scope", 16))
                    .col(boolean("charged"))
                    // Lower-case name, keywords and department, with the pinyin of name and keywords
                    // in full and as initials: what a search term is matched against.
                    .col(text("search_text"))
                    .col(text("name_pinyin"))
                    // Lower-case keywords, space-separated (ranked above other matches).
                    .col(text("keywords"))
                    .col(string_len("name_initials", 100))
                    .col(integer("version"))
                    .col(boolean("retired"))
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string_len("updated_by", 64))
                    .to_owned(),
            )
            .await?;
        // Browsing counts items per department: answered from this index alone. The guide itself
        // lives in `service_item_versions`, keeping these rows narrow for the search's scan.
        manager
            .create_index(
                Index::create()
                    .name("idx_items_department")
                    .table("service_items")
                    .col("retired")
                    .col("department_code")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("item_topics")
                    .col(integer("item_id"))
                    .col(string_len("topic", 32))
                    .primary_key(Index::create().col("item_id").col("topic"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_item_topics_item")
                            .from("item_topics", "item_id")
                            .to("service_items", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_item_topics_topic")
                    .table("item_topics")
                    .col("topic")
                    .to_owned(),
            )
            .await?;

        // Every saved version of every guide, whole (`domain::catalogue::Guide` as JSON): the
        // item's current version is its published guide; the public page names its version date
        // and an administrator can see who changed what, when.
        manager
            .create_table(
                Table::create()
                    .table("service_item_versions")
                    .col(big_pk_auto("id"))
                    .col(string_len("item_code", 64))
                    .col(integer("version"))
                    .col(text("guide"))
                    .col(text("changed"))
                    .col(text("note"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .col(string_len("changed_by", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_item_versions")
                    .table("service_item_versions")
                    .col("item_code")
                    .col("version")
                    .unique()
                    .to_owned(),
            )
            .await?;

        // 表格: blank forms, filled samples and result samples. The bytes live in the file store,
        // addressed by their SHA-256.
        manager
            .create_table(
                Table::create()
                    .table("forms")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("code", 120))
                    .col(string_len("item_code", 64))
                    .col(string_len("kind", 16))
                    .col(string_len("title", 200))
                    .col(string_len("filename", 200))
                    .col(string_len("content_type", 100))
                    .col(string_len("sha256", 64))
                    .col(big_integer("size"))
                    .col(big_integer("downloads").default(0))
                    .col(boolean("retired"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(string_len("created_by", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_forms_item")
                    .table("forms")
                    .col("item_code")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "forms",
            "service_item_versions",
            "item_topics",
            "service_items",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
