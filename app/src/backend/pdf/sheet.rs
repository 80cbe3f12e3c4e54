//! Form sheets: a blank form to fill in by hand, the same form filled in as a sample (填写样例),
//! or the sample of a result document (结果样本). A title, a two-column table of fields, and the
//! signature line or the issuer's seal place.

use super::{Page, A4_WIDTH, BLACK, GREY, PALE, RED};
use crate::backend::error::ServiceResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Blank,
    Sample,
    ResultSample,
}

pub struct Sheet {
    pub kind: SheetKind,
    pub title: String,
    /// The item it belongs to.
    pub subtitle: String,
    /// Who issues a result (for the seal place); empty for forms.
    pub issuer: String,
    /// (label, value in the sample)
    pub fields: Vec<(String, String)>,
}

const LEFT: f32 = 20.0;
const WIDTH: f32 = A4_WIDTH - 2.0 * LEFT;
const LABEL_WIDTH: f32 = 48.0;
const SIZE: f32 = 11.0;

pub fn render(sheet: &Sheet) -> ServiceResult<Vec<u8>> {
    let mut page = Page::new(&sheet.title)?;
    let mut y = 30.0;
    page.text_centred(A4_WIDTH / 2.0, y, 18.0, BLACK, &sheet.title);
    y += 8.0;
    page.text_centred(
        A4_WIDTH / 2.0,
        y,
        10.0,
        GREY,
        &format!("（{}）", sheet.subtitle),
    );
    match sheet.kind {
        SheetKind::Sample => stamp(&mut page, "填写样例"),
        SheetKind::ResultSample => stamp(&mut page, "样  本"),
        SheetKind::Blank => {}
    }
    y += 10.0;
    for (label, value) in &sheet.fields {
        let lines = page.wrap(value, SIZE, WIDTH - LABEL_WIDTH - 6.0);
        let height = (lines.len().max(1) as f32 * 6.0 + 6.0).max(12.0);
        page.rect(LEFT, y, LABEL_WIDTH, height, Some(PALE), Some(BLACK));
        page.rect(
            LEFT + LABEL_WIDTH,
            y,
            WIDTH - LABEL_WIDTH,
            height,
            None,
            Some(BLACK),
        );
        page.text(LEFT + 3.0, y + height / 2.0 + 1.5, SIZE, BLACK, label);
        if sheet.kind != SheetKind::Blank {
            let colour = if sheet.kind == SheetKind::Sample {
                super::BLUE
            } else {
                BLACK
            };
            for (i, line) in lines.iter().enumerate() {
                page.text(
                    LEFT + LABEL_WIDTH + 3.0,
                    y + 7.5 + i as f32 * 6.0,
                    SIZE,
                    colour,
                    line,
                );
            }
        }
        y += height;
        if y > 250.0 {
            break;
        }
    }
    y += 14.0;
    match sheet.kind {
        SheetKind::ResultSample => {
            let issuer = if sheet.issuer.is_empty() {
                "发证机关（印章）"
            } else {
                &sheet.issuer
            };
            page.text(
                A4_WIDTH - LEFT - page.width(issuer, SIZE),
                y,
                SIZE,
                BLACK,
                issuer,
            );
            page.text(
                LEFT,
                y + 14.0,
                9.0,
                GREY,
                "本样本仅供参考，内容为虚构示例，不具法律效力。",
            );
        }
        _ => {
            let sign = if sheet.kind == SheetKind::Sample {
                "申请人（签字）：张示范　　　　日期：2026 年 1 月 5 日"
            } else {
                "申请人（签字）：________________　　日期：______年____月____日"
            };
            page.text(LEFT, y, SIZE, BLACK, sign);
            page.text(
                LEFT,
                y + 10.0,
                9.0,
                GREY,
                "填表说明：请用黑色签字笔如实填写，字迹清楚；所填内容须与提交的证件、材料一致。",
            );
        }
    }
    page.text_centred(
        A4_WIDTH / 2.0,
        285.0,
        8.0,
        GREY,
        "示范市一站式网上办事大厅 · 表格下载",
    );
    Ok(page.finish())
}

/// A red outlined mark at the top right, as the hall stamps its samples.
fn stamp(page: &mut Page, text: &str) {
    let w = page.width(text, 14.0) + 8.0;
    page.rect(A4_WIDTH - LEFT - w, 14.0, w, 11.0, None, Some(RED));
    page.text(A4_WIDTH - LEFT - w + 4.0, 22.0, 14.0, RED, text);
}
