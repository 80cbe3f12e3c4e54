//! 申请回执 (submission receipt): what was submitted, when, the case number and query code, when
//! the acceptance decision is due, and a QR code that opens the case's status page.

use super::{Page, A4_WIDTH, BLACK, BLUE, GREY, PALE};
use crate::backend::error::ServiceResult;

pub struct Receipt {
    pub case_no: String,
    pub query_code: String,
    pub item_name: String,
    pub department: String,
    pub applicant: String,
    /// Local time, formatted.
    pub submitted_at: String,
    /// "2026年9月29日前作出是否受理的决定" or empty.
    pub acceptance_due: String,
    /// (material name, file name)
    pub materials: Vec<(String, String)>,
    /// Where the QR code leads: the status page with the number and code filled in.
    pub status_url: String,
    pub portal_name: String,
    pub hotline: String,
}

const LEFT: f32 = 20.0;
const WIDTH: f32 = A4_WIDTH - 2.0 * LEFT;
const LABEL: f32 = 36.0;
const SIZE: f32 = 11.0;

pub fn render(r: &Receipt) -> ServiceResult<Vec<u8>> {
    let mut page = Page::new("网上申请回执")?;
    let mut y = 28.0;
    page.text_centred(A4_WIDTH / 2.0, y, 18.0, BLACK, "网上申请回执");
    y += 7.0;
    page.text_centred(A4_WIDTH / 2.0, y, 10.0, GREY, &r.portal_name);
    y += 10.0;
    // The two things to keep, large, beside the QR code.
    let qr_size = 42.0;
    page.rect(LEFT, y, WIDTH, qr_size, Some(PALE), None);
    page.text(LEFT + 6.0, y + 12.0, 10.0, GREY, "办件编号");
    page.text(LEFT + 6.0, y + 21.0, 16.0, BLUE, &r.case_no);
    page.text(LEFT + 6.0, y + 30.0, 10.0, GREY, "查询密码（请妥善保管）");
    page.text(LEFT + 6.0, y + 38.0, 16.0, BLUE, &r.query_code);
    page.qr(LEFT + WIDTH - qr_size, y, qr_size, &r.status_url)?;
    y += qr_size + 8.0;

    let rows = [
        ("申请事项", r.item_name.as_str()),
        ("受理部门", r.department.as_str()),
        ("申请人", r.applicant.as_str()),
        ("提交时间", r.submitted_at.as_str()),
        ("受理期限", r.acceptance_due.as_str()),
    ];
    for (label, value) in rows {
        let lines = page.wrap(value, SIZE, WIDTH - LABEL - 6.0);
        let height = lines.len().max(1) as f32 * 6.0 + 4.0;
        page.text(LEFT, y + 5.5, SIZE, GREY, label);
        for (i, line) in lines.iter().enumerate() {
            page.text(LEFT + LABEL, y + 5.5 + i as f32 * 6.0, SIZE, BLACK, line);
        }
        y += height;
        page.line(LEFT, y, LEFT + WIDTH, y, 0.3, PALE);
    }
    y += 8.0;
    page.text(LEFT, y, 12.0, BLACK, "已提交的材料");
    y += 7.0;
    for (i, (name, file)) in r.materials.iter().enumerate() {
        let text = format!("{}. {name}（{file}）", i + 1);
        for line in page.wrap(&text, 10.0, WIDTH) {
            page.text(LEFT, y, 10.0, BLACK, &line);
            y += 5.5;
        }
    }
    if r.materials.is_empty() {
        page.text(LEFT, y, 10.0, GREY, "（无）");
        y += 5.5;
    }
    y += 8.0;
    let note = format!(
        "凭办件编号和查询密码，可扫描右上角二维码、登录网站“办件查询”或到自助终端查询办理进度；咨询电话 {}。\
         本回执仅证明申请已提交，不代表已受理。",
        r.hotline
    );
    for line in page.wrap(&note, 9.5, WIDTH) {
        page.text(LEFT, y, 9.5, GREY, &line);
        y += 5.0;
    }
    Ok(page.finish())
}
