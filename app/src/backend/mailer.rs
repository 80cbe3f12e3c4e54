//! 发送通知 (the outbox worker): sends pending email and text-message rows, each claimed by one
//! worker before sending (several server instances may run it), marked sent on success, retried
//! with growing pauses on failure. Nothing is dropped: a row waits until its channel works again.

use super::entities::outbox;
use super::error::ServiceResult;
use super::files::BoxFuture;
use super::notify::Notice;
use crate::domain::casework::mask_mobile;
use chrono::{DateTime, Duration, Utc};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A text-message gateway. The portal ships only [`LoggingSms`]; a province's gateway implements
/// this trait.
pub trait SmsSender: Send + Sync {
    fn send<'a>(&'a self, mobile: &'a str, text: &'a str) -> BoxFuture<'a, Result<(), String>>;
}

/// Writes each text message to the log (the number masked) instead of sending it.
pub struct LoggingSms;

impl SmsSender for LoggingSms {
    fn send<'a>(&'a self, mobile: &'a str, text: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tracing::info!(to = %mask_mobile(mobile), chars = text.chars().count(), "sms (logged, not sent)");
            Ok(())
        })
    }
}

/// How mail leaves: the SMTP relay (if configured), the sender address and the site's public
/// address for links.
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:25` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://host:465`, with optional `user:password@`.
    pub fn new(smtp_url: Option<&str>, from: &str, public_url: &str) -> Result<Mailer, String> {
        let smtp = match smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("YIZHAN_SMTP_URL 无法使用：{e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            None => None,
        };
        let from = from
            .parse()
            .map_err(|e| format!("发件人地址 “{from}” 无效：{e}"))?;
        Ok(Mailer {
            smtp,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    async fn send_email(&self, to: &str, notice: &Notice) -> Result<(), String> {
        let Some(smtp) = &self.smtp else {
            return Err("未配置 YIZHAN_SMTP_URL，邮件暂存待发".into());
        };
        let to: Mailbox = to.parse().map_err(|_| "收件地址格式不对".to_string())?;
        let body = format!(
            "{}\n\n查看详情：{}{}\n\n此邮件由系统自动发送，请勿直接回复。",
            notice.body, self.public_url, notice.link
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(notice.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("邮件无法生成：{e}"))?;
        smtp.send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP：{e}"))
    }
}

/// The pause before the next try after `attempts` failures: 1, 2, 4 … minutes, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(0, 6)).min(Duration::minutes(60))
}

/// How long a claimed row is left alone by other workers while this one sends it.
const LEASE_MINUTES: i64 = 5;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
}

/// Sends up to `batch` due rows.
pub async fn run_once(
    db: &DatabaseConnection,
    mailer: &Mailer,
    sms: &dyn SmsSender,
    batch: u64,
    now: DateTime<Utc>,
) -> ServiceResult<Pass> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::Kind.is_in(["email", "sms"]))
        .filter(
            Condition::any()
                .add(outbox::Column::NextAttemptAt.is_null())
                .add(outbox::Column::NextAttemptAt.lte(now)),
        )
        .order_by_asc(outbox::Column::Id)
        .limit(batch)
        .all(db)
        .await?;
    let mut pass = Pass::default();
    for row in due {
        // Claim: only the worker whose update matches the attempts it read goes on.
        let claimed = outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
            .col_expr(
                outbox::Column::NextAttemptAt,
                Expr::value(now + Duration::minutes(LEASE_MINUTES)),
            )
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::Attempts.eq(row.attempts))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let result = match serde_json::from_str::<Notice>(&row.payload) {
            Err(e) => Err(format!("payload: {e}")),
            Ok(notice) if row.kind == "email" => mailer.send_email(&row.recipient, &notice).await,
            Ok(notice) => {
                let text = format!("【网上办事大厅】{}", notice.body);
                sms.send(&row.recipient, &text).await
            }
        };
        let update = outbox::Entity::update_many().filter(outbox::Column::Id.eq(row.id));
        match result {
            Ok(()) => {
                update
                    .col_expr(outbox::Column::SentAt, Expr::value(Some(now)))
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(Option::<String>::None),
                    )
                    .exec(db)
                    .await?;
                pass.sent += 1;
            }
            Err(why) => {
                let why: String = why.chars().take(300).collect();
                tracing::warn!(id = row.id, kind = %row.kind, attempts = row.attempts + 1, error = %why, "notification not sent; will retry");
                update
                    .col_expr(
                        outbox::Column::NextAttemptAt,
                        Expr::value(Some(now + backoff(row.attempts + 1))),
                    )
                    .col_expr(outbox::Column::LastError, Expr::value(Some(why)))
                    .exec(db)
                    .await?;
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// Rows not yet sent (for the health of the worker and for tests).
pub async fn pending(db: &DatabaseConnection) -> ServiceResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::Kind.is_in(["email", "sms"]))
        .count(db)
        .await?)
}

/// Runs the worker every `every` until the process ends.
pub async fn run(
    db: DatabaseConnection,
    mailer: Mailer,
    sms: Box<dyn SmsSender>,
    every: std::time::Duration,
) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = run_once(&db, &mailer, sms.as_ref(), 50, Utc::now()).await {
            tracing::error!(error = %e, "outbox pass failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_to_an_hour() {
        assert_eq!(backoff(1), Duration::minutes(2));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(20), Duration::minutes(60));
    }
}
