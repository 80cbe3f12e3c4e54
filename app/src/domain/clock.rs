//! 时钟 (clocks): a limit counted in working or calendar days after a start date, stopped by
//! suspensions and lengthened by extensions, with an explanation of every day that moved the
//! deadline (DESIGN.md §4.2).

use super::calendar::{DayKind, WorkCalendar};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What days a clock counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// 工作日: administrative licensing limits (行政许可法 第八十二条).
    Working,
    /// 自然日: petition limits (信访工作条例).
    Calendar,
}

/// 暂停 (a stop of the clock), for 特别程序 or 补正: the clock is not running from the end of `from`
/// until it resumes on `to`. So `from` does not count and `to` does: the stopped days are
/// `from..to`. An open pause has no `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Why, for the explanation: for example 专家评审.
    pub reason: String,
}

/// 延期: days added to the limit, with the reason the applicant is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u32,
    pub reason: String,
}

/// A clock as stored: where it starts, how long it runs, what stopped or lengthened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub start: NaiveDate,
    pub limit: u32,
    pub count: DayCount,
    pub pauses: Vec<Pause>,
    pub extensions: Vec<Extension>,
}

/// Why a deadline is where it is, day by day grouped for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The kind of days the clock counts, for the wording.
    pub count: DayCount,
    /// Holidays whose weekdays were skipped: name and number of such weekdays.
    pub holidays: Vec<(String, u32)>,
    /// Weekend days that counted because they were make-up working days.
    pub makeup_days: Vec<(NaiveDate, String)>,
    /// Pauses and how many countable days each one stopped the clock for.
    pub pauses: Vec<(String, u32)>,
    /// Extensions granted.
    pub extensions: Vec<Extension>,
}

/// The outcome of a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Deadline {
    /// Running (or finished): the date on which the count reaches the limit.
    Due {
        date: NaiveDate,
        explanation: Explanation,
    },
    /// Stopped by an open pause: the days used so far and the days left when it resumes.
    Paused {
        since: NaiveDate,
        reason: String,
        used: u32,
        remaining: u32,
        explanation: Explanation,
    },
}

impl Clock {
    pub fn new(start: NaiveDate, limit: u32, count: DayCount) -> Clock {
        Clock {
            start,
            limit,
            count,
            pauses: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// The limit with every extension added.
    pub fn total_limit(&self) -> u32 {
        self.limit + self.extensions.iter().map(|e| e.days).sum::<u32>()
    }

    fn pause_at_end_of(&self, d: NaiveDate) -> Option<&Pause> {
        self.pauses
            .iter()
            .find(|p| p.from <= d && p.to.is_none_or(|to| d < to))
    }

    fn counts(&self, cal: &WorkCalendar, d: NaiveDate) -> bool {
        match self.count {
            DayCount::Working => cal.is_working_day(d),
            DayCount::Calendar => true,
        }
    }

    /// The days the clock counted from its start up to and including `until` (a decision on
    /// that day): 平均办理工作日 is the mean of these. Paused days do not count.
    pub fn used(&self, cal: &WorkCalendar, until: NaiveDate) -> u32 {
        let mut used = 0;
        let mut d = self.start;
        while d < until {
            let Some(next) = d.succ_opt() else { break };
            d = next;
            if self.pause_at_end_of(d).is_none() && self.counts(cal, d) {
                used += 1;
            }
        }
        used
    }

    /// Walks the days after the start until the count reaches the limit.
    pub fn deadline(&self, cal: &WorkCalendar) -> Deadline {
        let total = self.total_limit();
        let mut explanation = Explanation {
            count: self.count,
            holidays: Vec::new(),
            makeup_days: Vec::new(),
            pauses: Vec::new(),
            extensions: self.extensions.clone(),
        };
        let mut d = self.start;
        let mut used = 0;
        while used < total {
            let Some(next) = d.succ_opt() else { break };
            d = next;
            if let Some(pause) = self.pause_at_end_of(d) {
                if pause.to.is_none() {
                    return Deadline::Paused {
                        since: pause.from,
                        reason: pause.reason.clone(),
                        used,
                        remaining: total - used,
                        explanation,
                    };
                }
                if self.counts(cal, d) {
                    bump(&mut explanation.pauses, &pause.reason);
                }
                continue;
            }
            if self.counts(cal, d) {
                used += 1;
                if let (DayCount::Working, DayKind::MakeUpWorkday(name)) =
                    (self.count, cal.day_kind(d))
                {
                    explanation.makeup_days.push((d, name));
                }
            } else if let DayKind::Holiday(name) = cal.day_kind(d) {
                if !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
                    bump(&mut explanation.holidays, &name);
                }
            }
        }
        Deadline::Due {
            date: d,
            explanation,
        }
    }
}

fn bump(list: &mut Vec<(String, u32)>, name: &str) {
    match list.iter_mut().find(|(n, _)| n == name) {
        Some((_, count)) => *count += 1,
        None => list.push((name.to_string(), 1)),
    }
}

impl Explanation {
    /// The explanation in one Chinese sentence per cause, as shown to applicants.
    pub fn lines_zh(&self) -> Vec<String> {
        let unit = match self.count {
            DayCount::Working => "个工作日",
            DayCount::Calendar => "日",
        };
        let mut lines = Vec::new();
        for (name, days) in &self.holidays {
            lines.push(format!("{name}放假，顺延 {days} 个工作日"));
        }
        for (date, name) in &self.makeup_days {
            lines.push(format!(
                "{}（{}调休上班）计为工作日",
                date.format("%-m月%-d日"),
                name
            ));
        }
        for (reason, days) in &self.pauses {
            lines.push(format!("{reason}期间暂停计时 {days} {unit}"));
        }
        for e in &self.extensions {
            lines.push(format!("经批准延期 {} {unit}：{}", e.days, e.reason));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn due(deadline: Deadline) -> (NaiveDate, Explanation) {
        match deadline {
            Deadline::Due { date, explanation } => (date, explanation),
            other => panic!("expected a due date, got {other:?}"),
        }
    }

    #[test]
    fn twenty_working_days_from_28_september_2026_end_on_30_october() {
        let cal = WorkCalendar::official();
        let (date, why) = due(Clock::new(d("2026-09-28"), 20, DayCount::Working).deadline(&cal));
        assert_eq!(date, d("2026-10-30"));
        assert_eq!(why.holidays, vec![("国庆节".to_string(), 5)]);
        assert_eq!(
            why.makeup_days,
            vec![(d("2026-10-10"), "国庆节".to_string())]
        );
        assert_eq!(
            why.lines_zh(),
            vec![
                "国庆节放假，顺延 5 个工作日",
                "10月10日（国庆节调休上班）计为工作日"
            ]
        );
    }

    #[test]
    fn the_days_used_skip_holidays_weekends_and_suspensions() {
        let cal = WorkCalendar::official();
        let mut clock = Clock::new(d("2026-09-28"), 20, DayCount::Working);
        // 29, 30 September; 8, 9 and 10 (a make-up Saturday) October after 国庆节: 5 working days.
        assert_eq!(clock.used(&cal, d("2026-10-10")), 5);
        assert_eq!(clock.used(&cal, d("2026-09-28")), 0);
        // Decided on the deadline: all 20 used.
        assert_eq!(clock.used(&cal, d("2026-10-30")), 20);
        clock.pauses.push(Pause {
            from: d("2026-10-12"),
            to: Some(d("2026-10-15")),
            reason: "专家评审".into(),
        });
        assert_eq!(clock.used(&cal, d("2026-10-30")), 17);
    }

    #[test]
    fn a_closed_suspension_moves_the_deadline_by_its_working_days() {
        let cal = WorkCalendar::official();
        let mut clock = Clock::new(d("2026-09-28"), 20, DayCount::Working);
        // 专家评审 from Monday 12 October; resumed Thursday 15: the 12th, 13th and 14th do not count.
        clock.pauses.push(Pause {
            from: d("2026-10-12"),
            to: Some(d("2026-10-15")),
            reason: "专家评审".into(),
        });
        let (date, why) = due(clock.deadline(&cal));
        assert_eq!(date, d("2026-11-04"));
        assert_eq!(why.pauses, vec![("专家评审".to_string(), 3)]);
        assert!(why
            .lines_zh()
            .contains(&"专家评审期间暂停计时 3 个工作日".to_string()));
    }

    #[test]
    fn an_open_suspension_reports_the_days_used_and_left() {
        let cal = WorkCalendar::official();
        let mut clock = Clock::new(d("2026-09-28"), 20, DayCount::Working);
        clock.pauses.push(Pause {
            from: d("2026-10-12"),
            to: None,
            reason: "检验检测".into(),
        });
        match clock.deadline(&cal) {
            Deadline::Paused {
                since,
                used,
                remaining,
                ..
            } => {
                // 29, 30 September, 8, 9 and the make-up Saturday 10 October.
                assert_eq!((since, used, remaining), (d("2026-10-12"), 5, 15));
            }
            other => panic!("expected paused, got {other:?}"),
        }
    }

    #[test]
    fn an_extension_adds_its_days_and_its_reason() {
        let cal = WorkCalendar::official();
        let mut clock = Clock::new(d("2026-09-28"), 20, DayCount::Working);
        clock.extensions.push(Extension {
            days: 10,
            reason: "需现场核查".into(),
        });
        let (date, why) = due(clock.deadline(&cal));
        assert_eq!(date, d("2026-11-13"));
        assert!(why
            .lines_zh()
            .contains(&"经批准延期 10 个工作日：需现场核查".to_string()));
    }

    #[test]
    fn a_calendar_day_clock_counts_holidays() {
        let cal = WorkCalendar::official();
        let (date, why) = due(Clock::new(d("2026-09-28"), 15, DayCount::Calendar).deadline(&cal));
        assert_eq!(date, d("2026-10-13"));
        assert!(why.holidays.is_empty() && why.makeup_days.is_empty());
    }

    #[test]
    fn five_working_days_over_the_spring_festival() {
        let cal = WorkCalendar::official();
        let (date, why) = due(Clock::new(d("2026-02-12"), 5, DayCount::Working).deadline(&cal));
        assert_eq!(date, d("2026-02-26"));
        assert_eq!(why.makeup_days, vec![(d("2026-02-14"), "春节".to_string())]);
        // 16–20 and 23 February are the holiday's weekdays.
        assert_eq!(why.holidays, vec![("春节".to_string(), 6)]);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 2025-01-01 plus up to two years: the shipped calendar data.
        (0i64..730).prop_map(|n| d("2025-01-01") + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn adding_n_working_days_then_counting_back_gives_n(start in any_date(), n in 0u32..250) {
            let cal = WorkCalendar::official();
            let end = cal.add_working_days(start, n);
            prop_assert_eq!(cal.working_days_between(start, end), n);
            prop_assert!(n == 0 || cal.is_working_day(end));
        }

        #[test]
        fn a_clock_without_pauses_ends_where_adding_working_days_ends(start in any_date(), n in 1u32..120) {
            let cal = WorkCalendar::official();
            let (date, _) = due(Clock::new(start, n, DayCount::Working).deadline(&cal));
            prop_assert_eq!(date, cal.add_working_days(start, n));
        }

        #[test]
        fn a_suspension_of_k_working_days_moves_the_deadline_by_k_working_days(
            start in any_date(),
            limit in 1u32..60,
            offset in 0u32..60,
            length in 1i64..40,
        ) {
            let cal = WorkCalendar::official();
            let plain = Clock::new(start, limit, DayCount::Working);
            let (old, _) = due(plain.deadline(&cal));
            // The suspension starts on or before the old deadline.
            let span = (old - start).num_days() as u32;
            let from = start + chrono::Duration::days((offset % (span + 1)) as i64);
            let to = from + chrono::Duration::days(length);
            // The start day never counts, so a pause on it stops nothing.
            let k = from
                .iter_days()
                .take_while(|x| *x < to)
                .filter(|x| *x > start && cal.is_working_day(*x))
                .count() as u32;
            let mut paused = plain.clone();
            paused.pauses.push(Pause { from, to: Some(to), reason: "鉴定".into() });
            let (new, _) = due(paused.deadline(&cal));
            prop_assert_eq!(new, cal.add_working_days(old, k));
        }
    }
}
