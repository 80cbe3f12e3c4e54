//! 办事指南 as a one-page PDF: every element of the guide on one A4 sheet, the type made smaller
//! (down to a legible minimum) until it fits, so it prints as one page for a citizen to carry.

use super::{Colour, Page, A4_WIDTH, BLACK, BLUE, GREY, PALE};
use crate::backend::error::ServiceResult;
use crate::domain::catalogue::lines;
use crate::domain::catalogue_read::GuideDetail;
use crate::domain::site::SiteInfo;
use crate::domain::time::china;

const LEFT: f32 = 15.0;
const WIDTH: f32 = A4_WIDTH - 2.0 * LEFT;
const TOP: f32 = 14.0;
/// Lowest line the body may reach (the footer is below).
const BOTTOM: f32 = 280.0;

/// A block of the guide: a heading and its lines.
struct Section {
    heading: &'static str,
    lines: Vec<String>,
}

fn sections(d: &GuideDetail) -> Vec<Section> {
    let g = &d.guide;
    let days = |n: u32| {
        if n == 0 {
            "即办（当场办结）".to_string()
        } else {
            format!("{n} 个工作日")
        }
    };
    let materials = g
        .materials
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut count = Vec::new();
            if m.originals > 0 {
                count.push(format!("原件{}份", m.originals));
            }
            if m.copies > 0 {
                count.push(format!("复印件{}份", m.copies));
            }
            let note = if m.note.is_empty() {
                String::new()
            } else {
                format!("。{}", m.note)
            };
            format!(
                "{}. {}（{}；{}；{}；{}）{note}",
                i + 1,
                m.name,
                if m.required { "必要" } else { "非必要" },
                m.source.name_zh(),
                count.join("，"),
                m.medium.name_zh()
            )
        })
        .collect();
    let procedure = g
        .procedure
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {}：{}", i + 1, s.name, s.description))
        .collect();
    let fee = match &g.fee {
        Some(fee) => vec![
            format!("收费标准：{}", fee.standard),
            format!("收费依据：{}", fee.basis),
        ],
        None => vec!["不收费".to_string()],
    };
    vec![
        Section {
            heading: "办理时限与方式",
            lines: vec![
                format!(
                    "法定办结时限：{}　承诺办结时限：{}　办件类型：{}",
                    days(g.legal_limit),
                    days(g.promised_limit),
                    match g.handling {
                        crate::domain::process::ItemKind::Immediate => "即办件",
                        crate::domain::process::ItemKind::Promised => "承诺件",
                        crate::domain::process::ItemKind::Joint => "联办件",
                    }
                ),
                format!(
                    "到现场次数：{} 次　是否网办：{}　服务对象：{}　通办范围：{}",
                    g.visits,
                    if g.online { "是" } else { "否" },
                    g.audiences
                        .iter()
                        .map(|a| a.name_zh())
                        .collect::<Vec<_>>()
                        .join("、"),
                    g.scope.name_zh()
                ),
            ],
        },
        Section {
            heading: "受理条件",
            lines: lines(&g.conditions).map(str::to_string).collect(),
        },
        Section {
            heading: "申请材料",
            lines: materials,
        },
        Section {
            heading: "办理流程",
            lines: procedure,
        },
        Section {
            heading: "收费",
            lines: fee,
        },
        Section {
            heading: "办理地点与时间",
            lines: vec![
                format!("办理地点：{}", g.location),
                format!("办理时间：{}", g.hours),
            ],
        },
        Section {
            heading: "办理结果",
            lines: vec![format!("结果名称：{}", g.result_name)],
        },
        Section {
            heading: "设定依据",
            lines: lines(&g.legal_basis).map(str::to_string).collect(),
        },
        Section {
            heading: "咨询与监督",
            lines: vec![format!(
                "咨询电话：{}　监督投诉电话：{}",
                g.consult_phone, g.complaint_phone
            )],
        },
    ]
}

/// Height of the body at `size` points, in millimetres.
fn body_height(page: &Page, sections: &[Section], size: f32) -> f32 {
    let line = size * 0.5;
    sections
        .iter()
        .map(|s| {
            let n: usize = s
                .lines
                .iter()
                .map(|l| page.wrap(l, size, WIDTH - 4.0).len())
                .sum();
            line * 1.5 + n as f32 * line + 2.0
        })
        .sum()
}

pub fn render(detail: &GuideDetail, site: &SiteInfo) -> ServiceResult<Vec<u8>> {
    let g = &detail.guide;
    let mut page = Page::new(&format!("{} 办事指南", g.name))?;
    let mut y = TOP;
    page.text(
        LEFT,
        y,
        8.0,
        GREY,
        &format!("{} · 办事指南", site.portal_name),
    );
    y += 9.0;
    let title_size = if page.width(&g.name, 17.0) > WIDTH {
        13.0
    } else {
        17.0
    };
    page.text(LEFT, y, title_size, BLUE, &g.name);
    y += 6.0;
    let meta = format!(
        "事项编码：{}　事项类型：{}　实施主体：{}　第 {} 版，更新于 {}",
        g.code,
        g.item_type.name_zh(),
        detail.department.name,
        detail.version,
        detail.updated_at.with_timezone(&china()).format("%Y-%m-%d")
    );
    page.text(LEFT, y, 8.0, GREY, &meta);
    y += 3.0;
    page.line(LEFT, y, LEFT + WIDTH, y, 0.8, BLUE);
    y += 2.0;

    let sections = sections(detail);
    // The largest size from 10 pt down to 6.5 pt at which the whole body fits on the page.
    let available = BOTTOM - y;
    let size = [10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5]
        .into_iter()
        .find(|s| body_height(&page, &sections, *s) <= available)
        .unwrap_or(6.5);
    let line = size * 0.5;
    'sections: for section in &sections {
        y += line * 1.2;
        page.rect(LEFT, y - line * 0.95, WIDTH, line * 1.25, Some(PALE), None);
        page.text(LEFT + 1.5, y, size + 0.5, BLUE, section.heading);
        y += line * 0.3;
        for text in &section.lines {
            for wrapped in page.wrap(text, size, WIDTH - 4.0) {
                y += line;
                if y > BOTTOM {
                    page.text(
                        LEFT + 3.0,
                        BOTTOM + line,
                        size,
                        GREY,
                        "……（内容较多，完整内容请见网上办事大厅）",
                    );
                    break 'sections;
                }
                page.text(LEFT + 3.0, y, size, BLACK, &wrapped);
            }
        }
        y += 2.0;
    }
    let footer = format!(
        "以上内容以{}网站 /guide/{} 最新版本为准　{} 政务服务热线 {}",
        site.portal_name, g.code, site.region_name, site.hotline
    );
    page.line(
        LEFT,
        286.0,
        LEFT + WIDTH,
        286.0,
        0.4,
        Colour(0.8, 0.83, 0.88),
    );
    page.text(LEFT, 291.0, 7.5, GREY, &footer);
    Ok(page.finish())
}
