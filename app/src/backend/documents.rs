//! 文书: every written document of a case as a PDF — the receipt, the notices drawn from the event
//! that gave them (the latest of each kind), and the certificate. The caller has checked that the
//! asker may see the case (its applicant, or staff of its department).

use super::applications::{self, DeadlineView};
use super::catalogue::items;
use super::certificates::{self, Signer};
use super::entities::{application, application_event};
use super::error::{ServiceError, ServiceResult};
use super::pdf::certificate::CertificateDoc;
use super::pdf::notice::Notice;
use crate::domain::calendar::WorkCalendar;
use crate::domain::casework::{CertificateContent, EventData, NoticeKind};
use crate::domain::site::SiteInfo;
use crate::domain::time::china;
use crate::domain::workflow::Action;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Where the links in documents lead.
pub struct Links<'a> {
    pub site: &'a SiteInfo,
    pub public_url: &'a str,
}

fn date_zh(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn day_of(at: DateTime<Utc>) -> String {
    date_zh(at.with_timezone(&china()).date_naive())
}

/// One document of a case as a PDF; `NotFound` when the case has no such document (yet).
pub async fn render(
    db: &impl ConnectionTrait,
    cal: &WorkCalendar,
    signer: &Signer,
    app: &application::Model,
    kind: NoticeKind,
    links: &Links<'_>,
    today: NaiveDate,
) -> ServiceResult<Vec<u8>> {
    match kind {
        NoticeKind::Receipt => {
            super::my_cases::receipt_pdf(db, cal, app, links.site, links.public_url, today).await
        }
        NoticeKind::Certificate => {
            let row = certificates::of_case(db, &app.case_no)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let content: CertificateContent = serde_json::from_str(&row.content)
                .map_err(|e| ServiceError::Internal(format!("certificate {}: {e}", row.code)))?;
            let doc = CertificateDoc {
                verify_url: format!(
                    "{}/verify/{}",
                    links.public_url.trim_end_matches('/'),
                    row.code
                ),
                key_id: signer.key_id.clone(),
                content,
            };
            spawn(move || super::pdf::certificate::render(&doc)).await
        }
        _ => {
            let notice = notice(db, cal, app, kind, links, today).await?;
            spawn(move || super::pdf::notice::render(&notice)).await
        }
    }
}

/// PDF layout is CPU work: off the request threads.
async fn spawn(
    f: impl FnOnce() -> ServiceResult<Vec<u8>> + Send + 'static,
) -> ServiceResult<Vec<u8>> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Internal(format!("pdf task: {e}")))?
}

/// The wording of a notice, from the latest event of its kind.
async fn notice(
    db: &impl ConnectionTrait,
    cal: &WorkCalendar,
    app: &application::Model,
    kind: NoticeKind,
    links: &Links<'_>,
    today: NaiveDate,
) -> ServiceResult<Notice> {
    let event = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(app.id))
        .order_by_desc(application_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .find(|e| Action::from_code(&e.action).and_then(NoticeKind::of_action) == Some(kind))
        .ok_or(ServiceError::NotFound)?;
    let action = Action::from_code(&event.action).ok_or(ServiceError::NotFound)?;
    let data: EventData = event
        .data
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let detail = items::detail(db, &app.item_code).await?;
    let (item, dept, dept_short) = detail
        .map(|d| (d.guide.name, d.department.name, d.department.short_name))
        .unwrap_or_default();
    let deadlines = applications::deadlines(db, cal, app.id, today).await?;
    let due = |kind: &str| -> String {
        deadlines
            .iter()
            .find(|d: &&DeadlineView| d.kind == kind)
            .and_then(|d| d.due_date)
            .map(date_zh)
            .unwrap_or_else(|| "（期限以系统显示为准）".into())
    };
    let submitted = day_of(app.created_at);
    let opening = format!(
        "你（单位）于{submitted}提交的“{item}”申请（办件编号 {}）",
        app.case_no
    );
    let remedy = "如不服本决定，可以自收到本文书之日起六十日内依法申请行政复议，或者六个月内依法向人民法院提起行政诉讼。".to_string();
    let reason = event.detail.clone();
    let basis = data.legal_basis.clone().unwrap_or_default();
    let (mark, paragraphs, list, closing) = match (kind, action) {
        (NoticeKind::Acceptance, Action::DeemAccept) => (
            "受",
            vec![format!(
                "{opening}，本机关未在法定期限内作出是否受理的决定。根据《中华人民共和国行政许可法》第三十二条的规定，自{}起视为受理。",
                day_of(event.at)
            )],
            vec![],
            vec![format!(
                "本机关将于{}前作出行政许可决定（承诺于{}前办结）。",
                due("legal"),
                due("promised")
            )],
        ),
        (NoticeKind::Acceptance, _) => (
            "受",
            vec![format!(
                "{opening}，经审查，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。"
            )],
            vec![],
            vec![format!(
                "本机关将于{}前作出行政许可决定（承诺于{}前办结）。特此通知。",
                due("legal"),
                due("promised")
            )],
        ),
        (NoticeKind::Supplement, _) => {
            let note = data_note(&reason, &data);
            (
                "补",
                vec![format!(
                    "{opening}，经审查，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次性告知你需要补正的全部内容："
                )],
                data.missing.iter().map(|m| m.name.clone()).collect(),
                [
                    (!note.is_empty()).then(|| format!("说明：{note}")),
                    Some("请补正全部内容后，通过网上办事大厅“我的办件”或到窗口重新提交。收到全部补正材料之日起，本机关重新计算受理期限。".into()),
                ]
                .into_iter()
                .flatten()
                .collect(),
            )
        }
        (NoticeKind::Refusal, _) => (
            "不受",
            vec![format!(
                "{opening}，经审查，{reason}。根据《中华人民共和国行政许可法》第三十二条第一款的规定，决定不予受理。"
            )],
            vec![],
            vec![remedy.clone()],
        ),
        (NoticeKind::Extension, _) => (
            "延",
            vec![format!(
                "{opening}，本机关已于法定期限内受理。因{reason}，不能在法定期限内作出决定。经本机关负责人批准，根据《中华人民共和国行政许可法》第四十二条的规定，延长{}个工作日，将于{}前作出行政许可决定。",
                data.extension_days.unwrap_or(10),
                due("legal")
            )],
            vec![],
            vec!["特此告知。".into()],
        ),
        (NoticeKind::Suspension, _) => (
            "特",
            vec![format!(
                "{opening}，依法需要进行{}。根据《中华人民共和国行政许可法》第四十五条的规定，所需时间不计算在行政许可期限内，预计需要{}个工作日。",
                data.suspension_kind.clone().unwrap_or_else(|| "特别程序".into()),
                data.expected_days.unwrap_or_default()
            )],
            vec![],
            vec![
                format!("理由：{reason}"),
                "特别程序结束后，办理期限继续计算，本机关将另行告知。".into(),
            ],
        ),
        (NoticeKind::Decision, Action::Deny) => (
            "决",
            vec![format!(
                "{opening}，经审查，{}。根据{basis}，决定不予行政许可。",
                reason.split("（依据：").next().unwrap_or(&reason)
            )],
            vec![],
            vec![remedy.clone()],
        ),
        (NoticeKind::Decision, _) => (
            "决",
            vec![format!(
                "{opening}，经审查，申请符合法定条件、标准。根据{}，决定准予行政许可。",
                if basis.is_empty() {
                    "《中华人民共和国行政许可法》第三十八条第一款的规定".to_string()
                } else {
                    basis.clone()
                }
            )],
            vec![],
            vec![format!(
                "本机关将于{}前向你颁发、送达行政许可证件（电子证照可在网上办事大厅查看和核验）。",
                due("delivery")
            )],
        ),
        _ => return Err(ServiceError::NotFound),
    };
    let year = event.at.with_timezone(&china()).format("%Y");
    Ok(Notice {
        title: kind.name_zh().to_string(),
        number: format!("{dept_short}{mark}字〔{year}〕第 {} 号", app.case_no),
        addressee: app.applicant_name.clone(),
        paragraphs,
        list,
        closing,
        department: dept,
        date: day_of(event.at),
        foot: format!(
            "办件编号 {}　　本文书可在{}“我的办件”中查看和下载",
            app.case_no, links.site.portal_name
        ),
    })
}

/// The free-text part of a 补正 event (after the listed materials).
fn data_note(detail: &str, data: &EventData) -> String {
    if data.missing.is_empty() {
        return detail.to_string();
    }
    detail
        .split_once("说明：")
        .map(|(_, note)| note.to_string())
        .unwrap_or_default()
}
