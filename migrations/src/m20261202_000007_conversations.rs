//! The three conversation channels (DESIGN.md §4.6): 网上咨询, 网上信访 and 领导信箱 share one table of
//! conversations (each with one running clock at a time), an append-only history, cards, the
//! configured leaders' mailboxes, reply templates, the writer's unsent text (so that a refused
//! post loses nothing), and a link on in-app messages (a message may now point at a conversation).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("mailboxes")
                    .col(string_len("code", 32).primary_key())
                    .col(string_len("name", 100))
                    .col(string_len("leader", 100))
                    // The leader's office: registers, assigns, checks replies, publishes.
                    .col(string_len("office_department_code", 32))
                    .col(integer("sort_order"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("conversations")
                    .col(pk_auto("id"))
                    // ZX / XF / XX + date + sequence
                    .col(string_len_uniq("ref_no", 20))
                    .col(string_len("query_code", 8))
                    // consultation | petition | letter
                    .col(string_len("channel", 16))
                    .col(string_len("state", 32))
                    .col(integer("version"))
                    .col(integer_null("user_id"))
                    .col(boolean("anonymous"))
                    .col(string_len("writer_name", 100))
                    .col(string_len_null("id_number", 18))
                    .col(string_len_null("mobile", 20))
                    .col(string_len_null("email", 200))
                    .col(string_len_null("item_code", 64))
                    .col(string_len_null("mailbox_code", 32))
                    .col(string_len_null("category", 32))
                    .col(string_len("subject", 200))
                    .col(text("body"))
                    // [{upload_id, file_name, size, content_type}]
                    .col(text("attachments"))
                    // The department handling it now; null = not yet routed (a general question).
                    .col(string_len_null("department_code", 32))
                    // The leader's office of a letter, which checks the reply.
                    .col(string_len_null("office_code", 32))
                    .col(text_null("reply"))
                    .col(text_null("draft_reply"))
                    .col(date_null("replied_on"))
                    // The last written answer: reply, review or re-review; windows count from it.
                    .col(date_null("answered_on"))
                    .col(boolean("consent_publish"))
                    .col(boolean("published"))
                    .col(string_len_null("public_subject", 200))
                    .col(text_null("public_body"))
                    .col(text_null("public_reply"))
                    // The one running clock: kind, start, limit, day count, extension.
                    .col(string_len_null("clock_kind", 16))
                    .col(date_null("clock_start"))
                    .col(integer("clock_limit").default(0))
                    .col(string_len("clock_days", 16).default("working"))
                    .col(integer("clock_extension").default(0))
                    .col(date_null("due_date"))
                    .col(date_null("next_check"))
                    .col(string_len("card", 8).default("green"))
                    // Whether the first answer came by its deadline (statistics).
                    .col(boolean_null("on_time"))
                    .col(integer_null("rating"))
                    // Hash of the writer (account or device) and the text: a repeated or
                    // double-tapped send finds the conversation it already made.
                    .col(string_len_null("submit_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_conversations_queue",
                &["channel", "department_code", "state"][..],
            ),
            ("idx_conversations_office", &["office_code", "state"][..]),
            ("idx_conversations_user", &["user_id"][..]),
            ("idx_conversations_next_check", &["next_check"][..]),
            ("idx_conversations_public", &["channel", "published"][..]),
            ("idx_conversations_item", &["item_code"][..]),
            ("idx_conversations_submit_hash", &["submit_hash"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("conversations");
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("conversation_events")
                    .col(big_pk_auto("id"))
                    .col(integer("conversation_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string_len("action", 32))
                    .col(string_len("actor", 100))
                    .col(integer_null("actor_user_id"))
                    .col(string_len("from_state", 32))
                    .col(string_len("to_state", 32))
                    .col(string_len_null("department_code", 32))
                    .col(text("detail"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conversation_events")
                            .from("conversation_events", "conversation_id")
                            .to("conversations", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversation_events")
                    .table("conversation_events")
                    .col("conversation_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("conversation_cards")
                    .col(pk_auto("id"))
                    .col(integer("conversation_id"))
                    .col(string_len("clock_kind", 16))
                    .col(string_len("color", 8))
                    .col(date("due_date"))
                    .col(timestamp_with_time_zone("issued_at"))
                    .to_owned(),
            )
            .await?;
        // One card of each colour per clock and deadline of a conversation, however many
        // schedulers race (an extension moves the deadline: its new one gets its own cards).
        manager
            .create_index(
                Index::create()
                    .name("uq_conversation_cards")
                    .table("conversation_cards")
                    .col("conversation_id")
                    .col("clock_kind")
                    .col("color")
                    .col("due_date")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reply_templates")
                    .col(pk_auto("id"))
                    .col(string_len("department_code", 32))
                    .col(string_len("channel", 16))
                    .col(string_len("title", 100))
                    .col(text("body"))
                    .col(string_len("created_by", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // What a writer typed into a form that was refused (too long, too many files, throttled):
        // kept per account or device and channel until it is sent.
        manager
            .create_table(
                Table::create()
                    .table("conversation_drafts")
                    .col(string_len("owner_key", 120).primary_key())
                    .col(text("fields"))
                    .col(text("attachments"))
                    .col(text("problems"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("messages")
                    .add_column(string_len_null("link", 200))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("messages")
                    .drop_column("link")
                    .to_owned(),
            )
            .await?;
        for table in [
            "conversation_drafts",
            "reply_templates",
            "conversation_cards",
            "conversation_events",
            "conversations",
            "mailboxes",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
