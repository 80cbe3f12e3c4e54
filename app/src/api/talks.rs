//! Server functions of 网上咨询, 网上信访 and 领导信箱: what a channel's page needs (the writer's
//! kept text, the items or mailboxes to choose from), the public lists, one conversation for its
//! writer or staff, the writer's own list, and the staff queues. Sending and acting are plain form
//! posts (`server/src/talk_posts.rs`), so they work without JavaScript.

use super::error::AppError;
use crate::domain::talk::{
    AttachmentView, Compose, MailboxView, Problems, PublicPage, TalkChannel, TalkQueuePage,
    TalkRow, TalkView,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a channel's writing form needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WritePage {
    pub signed_in: bool,
    pub staff: bool,
    /// The text of a refused send, or the account's name and contact to start from.
    pub compose: Compose,
    pub attachments: Vec<AttachmentView>,
    pub problems: Problems,
    /// The item a question is about (code, name), when asked from its guide page.
    pub item: Option<(String, String)>,
    pub mailboxes: Vec<MailboxView>,
    /// The writer's own conversations of this channel.
    pub mine: Vec<TalkRow>,
}

#[server(prefix = "/sf", endpoint = "talk_write_page")]
pub async fn get_write_page(
    channel: TalkChannel,
    item: Option<String>,
) -> Result<WritePage, AppError> {
    use super::context;
    use crate::backend::talks::{self, lists as talk_lists};
    let state = context::state()?;
    let account = context::current_account().await?;
    let staff = account
        .as_ref()
        .is_some_and(|a| a.roles.iter().any(|r| r.is_staff()));
    let mut page = WritePage {
        signed_in: account.is_some(),
        staff,
        ..WritePage::default()
    };
    let start = talks::form_start(
        &state.db,
        channel,
        account.as_ref(),
        &context::client(),
        chrono::Utc::now(),
    )
    .await?;
    page.compose = start.compose;
    page.attachments = start.attachments;
    page.problems = start.problems;
    match channel {
        TalkChannel::Consultation => {
            if let Some(code) = page.compose.item_code.clone().or(item) {
                page.item = talk_lists::item_named(&state.db, &code).await?;
            }
        }
        TalkChannel::Letter => page.mailboxes = talk_lists::mailboxes(&state.db).await?,
        TalkChannel::Petition => {}
    }
    if let Some(a) = account.as_ref().filter(|_| !staff) {
        page.mine = talk_lists::of_writer(&state.db, a.id)
            .await?
            .into_iter()
            .filter(|r| r.channel == channel)
            .collect();
    }
    Ok(page)
}

/// The published questions or letters, searchable; `item` / `mailbox` narrow the list.
#[server(prefix = "/sf", endpoint = "talk_public")]
pub async fn get_public(
    channel: TalkChannel,
    q: Option<String>,
    item: Option<String>,
    mailbox: Option<String>,
    page: Option<u64>,
) -> Result<PublicPage, AppError> {
    use crate::backend::talks::lists::{self as talk_lists, PublicFilter};
    let state = super::context::state()?;
    Ok(talk_lists::public(
        &state.db,
        channel,
        &PublicFilter {
            q: q.unwrap_or_default(),
            item_code: item,
            mailbox_code: mailbox,
            page: page.unwrap_or(1),
        },
    )
    .await?)
}

/// One conversation: for staff who may see it, its signed-in writer, or with its query code.
/// Anyone else, and a wrong code, get the same "not found" (and wrong codes are throttled).
#[server(prefix = "/sf", endpoint = "talk_view")]
pub async fn get_talk(ref_no: String, code: Option<String>) -> Result<TalkView, AppError> {
    use super::context;
    use crate::backend::talks;
    let state = context::state()?;
    let account = context::current_account().await?;
    let client = context::client();
    let Some(viewer) = talks::viewer_of(account.as_ref(), code.as_deref(), client.address.clone())
    else {
        return Err(AppError::Unauthenticated);
    };
    let now = chrono::Utc::now();
    talks::guard_lookup(&state.db, &client, &viewer, &ref_no, now).await?;
    let today = crate::domain::time::local_date(now);
    match talks::view(&state.db, &ref_no, &viewer, today, now).await {
        Err(crate::backend::error::ServiceError::NotFound) => {
            talks::count_miss(&state.db, &client, &viewer, &ref_no, now).await?;
            Err(AppError::NotFound)
        }
        other => other.map_err(AppError::from),
    }
}

/// A staff queue of one channel.
#[server(prefix = "/sf", endpoint = "talk_queue")]
pub async fn get_talk_queue(
    channel: Option<String>,
    queue: Option<String>,
    q: Option<String>,
    page: Option<u64>,
) -> Result<TalkQueuePage, AppError> {
    use crate::backend::applications::Caller;
    use crate::domain::role::StaffSection;
    use crate::domain::talk::TalkQueue;
    let account = super::context::require_role(StaffSection::Talks.allowed()).await?;
    let state = super::context::state()?;
    let channel = channel
        .as_deref()
        .and_then(TalkChannel::from_code)
        .unwrap_or(TalkChannel::Consultation);
    let queue = queue
        .as_deref()
        .and_then(TalkQueue::from_code)
        .unwrap_or(TalkQueue::Open);
    Ok(crate::backend::talks::lists::queue(
        &state.db,
        &Caller::of(&account),
        channel,
        queue,
        q.as_deref().unwrap_or(""),
        page.unwrap_or(1),
    )
    .await?)
}

/// The signed-in writer's questions, petitions and letters.
#[server(prefix = "/sf", endpoint = "my_talks")]
pub async fn get_my_talks() -> Result<Vec<TalkRow>, AppError> {
    let state = super::context::state()?;
    let Some(account) = super::context::current_account().await? else {
        return Ok(Vec::new());
    };
    Ok(crate::backend::talks::lists::of_writer(&state.db, account.id).await?)
}
