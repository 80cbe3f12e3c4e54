//! What a city configures: its leaders' mailboxes and its departments' reply templates.

use super::*;

/// The mailboxes and, for the leader's office, the mailbox staff (demo and production seed).
pub async fn ensure_mailbox(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
    leader: &str,
    office: &str,
    sort_order: i32,
) -> ServiceResult<()> {
    mailbox::Entity::insert(mailbox::ActiveModel {
        code: Set(code.into()),
        name: Set(name.into()),
        leader: Set(leader.into()),
        office_department_code: Set(office.into()),
        sort_order: Set(sort_order),
    })
    .on_conflict(
        OnConflict::column(mailbox::Column::Code)
            .update_columns([
                mailbox::Column::Name,
                mailbox::Column::Leader,
                mailbox::Column::OfficeDepartmentCode,
                mailbox::Column::SortOrder,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Adds a reply template for a department (demo seed and the reply form's "save as template").
pub async fn add_template(
    db: &impl ConnectionTrait,
    department: &str,
    channel: TalkChannel,
    title: &str,
    body: &str,
    by: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let exists = reply_template::Entity::find()
        .filter(reply_template::Column::DepartmentCode.eq(department))
        .filter(reply_template::Column::Channel.eq(channel.code()))
        .filter(reply_template::Column::Title.eq(title))
        .one(db)
        .await?
        .is_some();
    if !exists {
        reply_template::ActiveModel {
            department_code: Set(department.into()),
            channel: Set(channel.code().into()),
            title: Set(title.into()),
            body: Set(body.into()),
            created_by: Set(by.into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
