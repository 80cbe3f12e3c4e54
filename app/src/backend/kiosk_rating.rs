//! 好差评 at the counter tablet and the township kiosk: whoever holds a case number or a
//! conversation's reference with its query code rates it, once, without logging in (the device is
//! shared). A case taken in at the counter is first rated for the window service (the tablet
//! right after the intake); a concluded case, or an answered question, petition or letter, is
//! rated for the result. Wrong codes count as failed lookups, like the status page.

use super::applications;
use super::entities::rating;
use super::error::{ServiceError, ServiceResult};
use super::throttle::Client;
use super::{my_cases, talks};
use crate::domain::supervision::{KioskRating, KioskTarget};
use crate::domain::talk::TalkAction;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

fn is_conversation(number: &str) -> bool {
    ["ZX", "XF", "XX"].iter().any(|p| number.starts_with(p))
}

/// Finds what a number and code rate; a wrong pair is "not found" and counts against the device.
pub async fn lookup(
    db: &DatabaseConnection,
    number: &str,
    code: &str,
    client: &Client,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<KioskRating> {
    let number = number.trim().to_uppercase();
    if is_conversation(&number) {
        let viewer = talks::Viewer::Code(code.trim().chars().take(16).collect());
        talks::guard_lookup(db, client, &viewer, &number, now).await?;
        let view = match talks::view(db, &number, &viewer, today, now).await {
            Ok(v) => v,
            Err(ServiceError::NotFound) => {
                talks::count_miss(db, client, &viewer, &number, now).await?;
                return Err(ServiceError::NotFound);
            }
            Err(e) => return Err(e),
        };
        return Ok(KioskRating {
            number,
            title: view.subject.clone(),
            target: KioskTarget::Talk,
            rated: view.rating.is_some(),
            ready: view.offers.iter().any(|o| o.action == TalkAction::Rate),
        });
    }
    let app = my_cases::case_by_code(db, &number, code, client, now).await?;
    let item = my_cases::item_names(db, std::iter::once(app.item_code.clone())).await?;
    let title = item.get(&app.item_code).cloned().unwrap_or_default();
    let counter_rated = my_cases::counter_rated(db, &app.case_no).await?;
    let concluded = my_cases::concluded(&app.state);
    // The counter's service first, while the case is open; the result once it is concluded.
    if app.channel == "counter" && !counter_rated && !concluded {
        return Ok(KioskRating {
            number: app.case_no,
            title,
            target: KioskTarget::Counter,
            rated: false,
            ready: true,
        });
    }
    let rated = rating::Entity::find()
        .filter(rating::Column::TargetKind.eq("case"))
        .filter(rating::Column::TargetId.eq(app.case_no.clone()))
        .one(db)
        .await?
        .is_some();
    Ok(KioskRating {
        number: app.case_no,
        title,
        target: KioskTarget::Case,
        rated: rated || (!concluded && counter_rated),
        ready: concluded,
    })
}

/// Rates what `lookup` found: the counter's service (channel `counter`), or the result, given
/// `from` a device (`kiosk`) or the web (`web`, through the API with the query code).
#[allow(clippy::too_many_arguments)]
pub async fn rate(
    db: &DatabaseConnection,
    cal: &crate::domain::calendar::WorkCalendar,
    number: &str,
    code: &str,
    level: i32,
    comment: &str,
    from: &str,
    client: &Client,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let found = lookup(db, number, code, client, today, now).await?;
    if found.rated {
        return Err(ServiceError::Conflict(
            "已经评价过了，每项服务只能评价一次".into(),
        ));
    }
    if !found.ready {
        return Err(ServiceError::Refused(match found.target {
            KioskTarget::Talk => "答复后才能评价".into(),
            _ => "办件办结后才能评价".into(),
        }));
    }
    match found.target {
        KioskTarget::Talk => {
            let viewer = talks::Viewer::Code(code.trim().chars().take(16).collect());
            let current = talks::view(db, &found.number, &viewer, today, now).await?;
            talks::act(
                db,
                cal,
                &found.number,
                TalkAction::Rate,
                &viewer,
                current.version,
                talks::TalkInput {
                    text: comment.to_string(),
                    level: Some(level),
                    rated_via: Some(from.into()),
                    ..talks::TalkInput::default()
                },
                today,
                now,
            )
            .await?;
            Ok(())
        }
        // The window service is rated on the counter's tablet (or a kiosk), not afterwards online.
        KioskTarget::Counter if from == "web" => {
            Err(ServiceError::Refused("办件办结后才能评价".into()))
        }
        KioskTarget::Counter => {
            my_cases::rate_counter(db, &found.number, code, level, comment, client, now).await
        }
        KioskTarget::Case => {
            let app = applications::find(db, &found.number)
                .await?
                .ok_or(ServiceError::NotFound)?;
            my_cases::save_rating(db, &app, "case", level, comment, from, now).await
        }
    }
}
