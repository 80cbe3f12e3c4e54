//! Charts drawn as SVG on the server: the weekly trend, the departments' on-time rates, the ratings
//! by level. Each carries a text description for screen readers, and the numbers are also in the
//! tables beside them.

use crate::domain::case_read::RATING_LEVELS;
use crate::domain::supervision::{FigureRow, Grade, WeekPoint};
use chrono::Datelike;
use leptos::prelude::*;

const W: f64 = 640.0;
/// The bar charts sit in narrower boxes: a smaller drawing keeps their labels readable.
const BW: f64 = 460.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// A round upper bound for an axis: 1, 2 or 5 × a power of ten.
fn nice_max(max: i64) -> i64 {
    let max = max.max(1);
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn points(weeks: &[WeekPoint], value: impl Fn(&WeekPoint) -> i64, top: i64) -> String {
    let n = weeks.len().max(2) as f64 - 1.0;
    weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let x = LEFT + (W - LEFT - 8.0) * i as f64 / n;
            let y = TOP + (H - TOP - BOTTOM) * (1.0 - value(w) as f64 / top as f64);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// 收件 and 办结 per week as lines, 超期办结 as red bars.
#[component]
pub fn TrendChart(weeks: Vec<WeekPoint>) -> impl IntoView {
    let top = nice_max(
        weeks
            .iter()
            .map(|w| w.received.max(w.decided))
            .max()
            .unwrap_or(0),
    );
    let plot_h = H - TOP - BOTTOM;
    let n = weeks.len().max(2) as f64 - 1.0;
    let x_of = |i: usize| LEFT + (W - LEFT - 8.0) * i as f64 / n;
    let total: (i64, i64, i64) = weeks.iter().fold((0, 0, 0), |(r, d, l), w| {
        (r + w.received, d + w.decided, l + w.late)
    });
    let label = format!(
        "按周趋势：共收件 {} 件，办结 {} 件，其中超期办结 {} 件",
        total.0, total.1, total.2
    );
    let grid = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|f| {
            let y = TOP + plot_h * (1.0 - f);
            view! {
                <line x1=LEFT x2=W - 8.0 y1=y y2=y class="sv-grid"/>
                <text x=LEFT - 6.0 y=y + 4.0 text-anchor="end" class="sv-axis">{((top as f64) * f).round().to_string()}</text>
            }
        })
        .collect_view();
    // A month label under the first week of each month.
    let mut last_month = 0;
    let months = weeks
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let month = w.week.checked_add_days(chrono::Days::new(6))?.month();
            // A new month, not so close to the right edge that its label is cut.
            (month != last_month && x_of(i) < W - 24.0).then(|| {
                last_month = month;
                view! { <text x=x_of(i) y=H - 8.0 class="sv-axis" text-anchor="middle">{format!("{month}月")}</text> }
            })
        })
        .collect_view();
    let bar_w = ((W - LEFT - 8.0) / (n + 1.0) * 0.6).max(2.0);
    let late_bars = weeks
        .iter()
        .enumerate()
        .filter(|(_, w)| w.late > 0)
        .map(|(i, w)| {
            let h = plot_h * w.late as f64 / top as f64;
            view! { <rect x=x_of(i) - bar_w / 2.0 y=TOP + plot_h - h width=bar_w height=h class="sv-late"/> }
        })
        .collect_view();
    view! {
        <figure class="sv-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=label.clone()>
                <title>{label.clone()}</title>
                {grid}
                {late_bars}
                <polyline points=points(&weeks, |w| w.received, top) class="sv-line-received"/>
                <polyline points=points(&weeks, |w| w.decided, top) class="sv-line-decided"/>
                {months}
            </svg>
            <figcaption class="sv-legend">
                <span class="sv-key sv-key-received">"收件"</span>
                <span class="sv-key sv-key-decided">"办结"</span>
                <span class="sv-key sv-key-late">"超期办结"</span>
            </figcaption>
        </figure>
    }
}

fn grade_class(grade: Option<Grade>) -> &'static str {
    match grade {
        Some(Grade::Excellent) => "sv-bar sv-grade-excellent",
        Some(Grade::Good) => "sv-bar sv-grade-good",
        Some(Grade::Pass) => "sv-bar sv-grade-pass",
        Some(Grade::Fail) => "sv-bar sv-grade-fail",
        None => "sv-bar",
    }
}

/// Each department's on-time rate as a bar, coloured by its grade.
#[component]
pub fn DepartmentBars(rows: Vec<FigureRow>) -> impl IntoView {
    let rows: Vec<FigureRow> = rows
        .into_iter()
        .filter(|r| r.figures.decided > 0)
        .take(14)
        .collect();
    let row_h = 24.0;
    let name_w = 96.0;
    let height = (rows.len() as f64 * row_h + 8.0).max(40.0);
    let label = rows
        .iter()
        .map(|r| {
            format!(
                "{} 按时办结率 {}",
                r.name,
                super::pct(r.figures.on_time_rate())
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rate = r.figures.on_time_rate().unwrap_or(0.0);
            let y = 4.0 + i as f64 * row_h;
            let w = (BW - name_w - 60.0) * rate;
            let name: String = r.short.chars().take(7).collect();
            view! {
                <text x=name_w - 8.0 y=y + 16.0 text-anchor="end" class="sv-axis sv-name">{name}</text>
                <rect x=name_w y=y + 3.0 width=BW - name_w - 60.0 height=row_h - 8.0 class="sv-track"/>
                <rect x=name_w y=y + 3.0 width=w height=row_h - 8.0 class=grade_class(r.grade)/>
                <text x=name_w + w + 6.0 y=y + 16.0 class="sv-axis">{super::pct(Some(rate))}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="sv-chart">
            <svg viewBox=format!("0 0 {BW} {height}") role="img" aria-label=label.clone()>
                <title>{if label.is_empty() { "本期没有办结的办件".to_string() } else { label.clone() }}</title>
                {bars}
            </svg>
            <figcaption class="sv-legend">
                <span class="sv-key sv-grade-excellent">"优秀"</span>
                <span class="sv-key sv-grade-good">"良好"</span>
                <span class="sv-key sv-grade-pass">"合格"</span>
                <span class="sv-key sv-grade-fail">"不合格"</span>
            </figcaption>
        </figure>
    }
}

/// Ratings by level, 非常满意 on top.
#[component]
pub fn RatingBars(levels: [i64; 5]) -> impl IntoView {
    let total: i64 = levels.iter().sum();
    let top = levels.iter().copied().max().unwrap_or(0).max(1);
    let row_h = 30.0;
    let name_w = 80.0;
    let label = RATING_LEVELS
        .iter()
        .map(|(level, name)| format!("{name} {} 件", levels[*level as usize - 1]))
        .collect::<Vec<_>>()
        .join("，");
    let bars = RATING_LEVELS
        .iter()
        .enumerate()
        .map(|(i, (level, name))| {
            let n = levels[*level as usize - 1];
            let y = 4.0 + i as f64 * row_h;
            let w = (BW - name_w - 110.0) * n as f64 / top as f64;
            let share = if total > 0 {
                format!("{n}（{:.1}%）", n as f64 * 100.0 / total as f64)
            } else {
                "0".into()
            };
            let class = if *level <= 2 { "sv-bar sv-bad" } else { "sv-bar sv-good" };
            view! {
                <text x=name_w - 8.0 y=y + 20.0 text-anchor="end" class="sv-axis sv-name">{*name}</text>
                <rect x=name_w y=y + 5.0 width=w.max(1.0) height=row_h - 10.0 class=class/>
                <text x=name_w + w + 6.0 y=y + 20.0 class="sv-axis">{share}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="sv-chart">
            <svg viewBox=format!("0 0 {BW} {}", 5.0 * row_h + 8.0) role="img" aria-label=label.clone()>
                <title>{label.clone()}</title>
                {bars}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn axis_tops_are_round() {
        assert_eq!(super::nice_max(0), 1);
        assert_eq!(super::nice_max(7), 10);
        assert_eq!(super::nice_max(120), 200);
        assert_eq!(super::nice_max(4100), 5000);
    }
}
