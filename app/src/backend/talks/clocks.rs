//! The scheduler's pass over conversation clocks: yellow and red cards, reminders.

use super::*;
use crate::backend::db::begin_write;

/// Marks every conversation clock whose check day has come: yellow or red card, a reminder in the
/// outbox for the department, once per (conversation, clock, colour). Returns (yellow, red).
pub async fn check_clocks(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<(u64, u64)> {
    let due = conv::Entity::find()
        .filter(conv::Column::NextCheck.lte(today))
        .filter(conv::Column::ClockKind.is_not_null())
        .all(db)
        .await?;
    let (mut yellow, mut red) = (0, 0);
    for row in due {
        let Some(due_date) = row.due_date else {
            continue;
        };
        let colour = card::evaluate(cal, due_date, today, YELLOW_WITHIN_WORKING_DAYS);
        let next = match colour {
            Card::Red => None,
            Card::Yellow => due_date.succ_opt(),
            Card::Green => Some(first_check(cal, due_date)),
        };
        let txn = begin_write(db).await?;
        let updated = conv::Entity::update_many()
            .col_expr(conv::Column::Card, Expr::value(colour.code()))
            .col_expr(conv::Column::NextCheck, Expr::value(next))
            .filter(conv::Column::Id.eq(row.id))
            .filter(conv::Column::Version.eq(row.version))
            .exec(&txn)
            .await?;
        // Someone acted meanwhile (an answer stopped the clock): the next pass sees it as it is.
        if updated.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        if colour != Card::Green {
            let kind = row.clock_kind.clone().unwrap_or_default();
            let inserted = crate::backend::entities::conversation_card::Entity::insert(
                crate::backend::entities::conversation_card::ActiveModel {
                    conversation_id: Set(row.id),
                    clock_kind: Set(kind.clone()),
                    color: Set(colour.code().into()),
                    due_date: Set(due_date),
                    issued_at: Set(now),
                    ..Default::default()
                },
            )
            .on_conflict(
                OnConflict::columns([
                    crate::backend::entities::conversation_card::Column::ConversationId,
                    crate::backend::entities::conversation_card::Column::ClockKind,
                    crate::backend::entities::conversation_card::Column::Color,
                    crate::backend::entities::conversation_card::Column::DueDate,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            if inserted == 1 {
                match colour {
                    Card::Yellow => yellow += 1,
                    _ => red += 1,
                }
                let notice = Notice {
                    subject: format!("{}：{} {}", colour.name_zh(), row.ref_no, row.subject),
                    body: format!("编号 {} 的期限为 {}，请及时办理。", row.ref_no, due_date),
                    link: format!("/staff/talks/{}", row.ref_no),
                };
                crate::backend::notify::enqueue(
                    &txn,
                    format!("talk:{}:{kind}:{due_date}:{}", row.ref_no, colour.code()),
                    "card_reminder",
                    // A question not routed yet waits at the service hall.
                    format!(
                        "department:{}",
                        row.department_code.as_deref().unwrap_or("hall")
                    ),
                    json(&notice)?,
                    now,
                )
                .await?;
            }
        }
        txn.commit().await?;
    }
    Ok((yellow, red))
}
