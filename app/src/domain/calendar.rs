//! 工作日历 (work calendar): which days are working days. Pure data and arithmetic; the year data is
//! shipped for 2025 and 2026 from the State Council notices and more years are imported by
//! administrators (DESIGN.md §4.1).

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of day a date is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// Monday–Friday, not a holiday.
    Workday,
    /// Saturday or Sunday, not a make-up day.
    Weekend,
    /// 法定节假日 (including the weekend days inside a holiday), with the holiday's name.
    Holiday(String),
    /// 调休上班: a Saturday or Sunday worked in exchange for a holiday, with the holiday's name.
    MakeUpWorkday(String),
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeUpWorkday(_))
    }
}

/// One holiday of a year's notice: its name, the days off and the make-up working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// 节日名称, for example 春节.
    pub name: String,
    /// 放假日期: every day off, weekends inside the break included.
    pub days_off: Vec<NaiveDate>,
    /// 调休上班日期.
    #[serde(default)]
    pub makeup_workdays: Vec<NaiveDate>,
}

/// 年度工作日历: one year as the State Council announced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCalendar {
    pub year: i32,
    /// 依据, for example 国办发明电〔2025〕7号.
    pub source: String,
    pub holidays: Vec<Holiday>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{date} 不属于 {year} 年")]
    WrongYear { year: i32, date: NaiveDate },
    #[error("{0} 同时被列为放假日和调休上班日")]
    BothOffAndWorking(NaiveDate),
    #[error("{0} 是工作日（星期一至星期五），不能列为调休上班日")]
    MakeUpOnWeekday(NaiveDate),
    #[error("{0} 被重复列出")]
    Duplicate(NaiveDate),
    #[error("节日名称不能为空")]
    EmptyName,
}

impl YearCalendar {
    /// Checks that every date lies in the year, appears once, and that make-up days are weekend
    /// days (a make-up weekday would be meaningless and is almost certainly a typo).
    pub fn validate(&self) -> Result<(), CalendarError> {
        let mut seen = std::collections::BTreeSet::new();
        for h in &self.holidays {
            if h.name.trim().is_empty() {
                return Err(CalendarError::EmptyName);
            }
            for d in h.days_off.iter().chain(&h.makeup_workdays) {
                if d.year() != self.year {
                    return Err(CalendarError::WrongYear {
                        year: self.year,
                        date: *d,
                    });
                }
                if !seen.insert(*d) {
                    let both = h.days_off.contains(d) && h.makeup_workdays.contains(d);
                    return Err(if both {
                        CalendarError::BothOffAndWorking(*d)
                    } else {
                        CalendarError::Duplicate(*d)
                    });
                }
            }
            if let Some(d) = h.makeup_workdays.iter().find(|d| !is_weekend(**d)) {
                return Err(CalendarError::MakeUpOnWeekday(*d));
            }
        }
        Ok(())
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// 工作日历: the known years; a year without data falls back to Monday–Friday, and
/// [`WorkCalendar::has_year`] lets the admin pages say so loudly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, YearCalendar>,
    /// Day → kind, for the special days of all known years.
    special: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// The years shipped with yizhan (2025 and 2026).
    pub fn official() -> WorkCalendar {
        let mut cal = WorkCalendar::default();
        for year in shipped_years() {
            // The shipped data is checked by a unit test; a failure here cannot happen at run time.
            let _ = cal.insert(year);
        }
        cal
    }

    /// Adds or replaces a year after validating it.
    pub fn insert(&mut self, year: YearCalendar) -> Result<(), CalendarError> {
        year.validate()?;
        self.special.retain(|d, _| d.year() != year.year);
        for h in &year.holidays {
            for d in &h.days_off {
                self.special.insert(*d, DayKind::Holiday(h.name.clone()));
            }
            for d in &h.makeup_workdays {
                self.special
                    .insert(*d, DayKind::MakeUpWorkday(h.name.clone()));
            }
        }
        self.years.insert(year.year, year);
        Ok(())
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    pub fn day_kind(&self, d: NaiveDate) -> DayKind {
        match self.special.get(&d) {
            Some(kind) => kind.clone(),
            None if is_weekend(d) => DayKind::Weekend,
            None => DayKind::Workday,
        }
    }

    /// A working day is a make-up working day, or a Monday–Friday that is not a holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.special.get(&d) {
            Some(kind) => kind.is_working(),
            None => !is_weekend(d),
        }
    }

    /// The date `n` working days after `start` (the start date itself is not counted).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut counted = 0;
        while counted < n {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                counted += 1;
            }
        }
        d
    }

    /// How many working days lie after `start` up to and including `end` (0 when `end <= start`).
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        start
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= end)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

/// Dates as people write them: runs of consecutive days joined, for example
/// `2月15日至23日、2月28日（星期六）`. Weekend days standing alone get their weekday, which is
/// what matters for make-up days.
pub fn dates_zh(dates: &[NaiveDate]) -> String {
    let mut sorted = dates.to_vec();
    sorted.sort();
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in sorted {
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(d) => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|(a, b)| {
            if a == b {
                let weekday = match a.weekday() {
                    Weekday::Sat => "（星期六）",
                    Weekday::Sun => "（星期日）",
                    _ => "",
                };
                format!("{}月{}日{weekday}", a.month(), a.day())
            } else if a.month() == b.month() {
                format!("{}月{}日至{}日", a.month(), a.day(), b.day())
            } else {
                format!("{}月{}日至{}月{}日", a.month(), a.day(), b.month(), b.day())
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn days(year: i32, month: u32, from: u32, to: u32) -> Vec<NaiveDate> {
    (from..=to)
        .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
        .collect()
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or_default()
}

fn holiday(name: &str, days_off: Vec<NaiveDate>, makeup_workdays: Vec<NaiveDate>) -> Holiday {
    Holiday {
        name: name.into(),
        days_off,
        makeup_workdays,
    }
}

/// The shipped years, as DESIGN.md §4.1 gives them from the State Council notices.
pub fn shipped_years() -> Vec<YearCalendar> {
    let y25 = 2025;
    let y26 = 2026;
    vec![
        YearCalendar {
            year: y25,
            source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）".into(),
            holidays: vec![
                holiday("元旦", vec![day(y25, 1, 1)], vec![]),
                holiday(
                    "春节",
                    [days(y25, 1, 28, 31), days(y25, 2, 1, 4)].concat(),
                    vec![day(y25, 1, 26), day(y25, 2, 8)],
                ),
                holiday("清明节", days(y25, 4, 4, 6), vec![]),
                holiday("劳动节", days(y25, 5, 1, 5), vec![day(y25, 4, 27)]),
                holiday(
                    "端午节",
                    [days(y25, 5, 31, 31), days(y25, 6, 1, 2)].concat(),
                    vec![],
                ),
                holiday(
                    "国庆节、中秋节",
                    days(y25, 10, 1, 8),
                    vec![day(y25, 9, 28), day(y25, 10, 11)],
                ),
            ],
        },
        YearCalendar {
            year: y26,
            source: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）".into(),
            holidays: vec![
                holiday("元旦", days(y26, 1, 1, 3), vec![day(y26, 1, 4)]),
                holiday(
                    "春节",
                    days(y26, 2, 15, 23),
                    vec![day(y26, 2, 14), day(y26, 2, 28)],
                ),
                holiday("清明节", days(y26, 4, 4, 6), vec![]),
                holiday("劳动节", days(y26, 5, 1, 5), vec![day(y26, 5, 9)]),
                holiday("端午节", days(y26, 6, 19, 21), vec![]),
                holiday("中秋节", days(y26, 9, 25, 27), vec![day(y26, 9, 20)]),
                holiday("国庆节", days(y26, 10, 1, 7), vec![day(y26, 10, 10)]),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_shipped_years_are_valid() {
        for year in shipped_years() {
            assert_eq!(year.validate(), Ok(()), "{}", year.year);
        }
        let cal = WorkCalendar::official();
        assert!(cal.has_year(2025) && cal.has_year(2026) && !cal.has_year(2027));
    }

    #[test]
    fn days_of_2026_are_classified_as_the_notice_says() {
        let cal = WorkCalendar::official();
        let cases = [
            ("2026-01-01", false), // 元旦
            ("2026-01-04", true),  // 元旦调休 (Sunday)
            ("2026-02-14", true),  // 春节调休 (Saturday)
            ("2026-02-16", false), // 春节 (Monday)
            ("2026-02-23", false), // 春节 last day (Monday)
            ("2026-02-24", true),
            ("2026-02-28", true),  // 春节调休 (Saturday)
            ("2026-03-01", false), // plain Sunday
            ("2026-05-09", true),  // 劳动节调休 (Saturday)
            ("2026-09-20", true),  // 中秋调休 (Sunday)
            ("2026-10-07", false), // 国庆 (Wednesday)
            ("2026-10-10", true),  // 国庆调休 (Saturday)
            ("2026-10-12", true),
        ];
        for (date, working) in cases {
            assert_eq!(cal.is_working_day(d(date)), working, "{date}");
        }
        assert_eq!(
            cal.day_kind(d("2026-02-17")),
            DayKind::Holiday("春节".into())
        );
        assert_eq!(
            cal.day_kind(d("2026-10-10")),
            DayKind::MakeUpWorkday("国庆节".into())
        );
    }

    #[test]
    fn adding_working_days_crosses_national_day_and_spring_festival() {
        let cal = WorkCalendar::official();
        let cases = [
            ("2026-09-28", 20, "2026-10-30"), // DESIGN.md §4.2
            ("2026-02-12", 5, "2026-02-26"),  // over 春节 with the 2-14 make-up Saturday
            ("2026-09-30", 1, "2026-10-08"),
            ("2026-10-09", 1, "2026-10-10"), // the make-up Saturday counts
            ("2025-09-26", 1, "2025-09-28"), // 2025 make-up Sunday
            ("2025-12-31", 1, "2026-01-04"), // across 元旦 to its make-up Sunday
            ("2026-11-23", 0, "2026-11-23"),
        ];
        for (start, n, end) in cases {
            assert_eq!(cal.add_working_days(d(start), n), d(end), "{start} + {n}");
        }
    }

    #[test]
    fn a_year_without_data_falls_back_to_monday_to_friday() {
        let cal = WorkCalendar::official();
        assert!(cal.is_working_day(d("2027-01-01"))); // a Friday; no 2027 notice loaded
        assert!(!cal.is_working_day(d("2027-01-02")));
        assert_eq!(cal.add_working_days(d("2027-01-01"), 1), d("2027-01-04"));
    }

    #[test]
    fn an_imported_year_replaces_the_fallback_and_bad_years_are_refused() {
        let mut cal = WorkCalendar::official();
        let y27 = YearCalendar {
            year: 2027,
            source: "测试".into(),
            holidays: vec![holiday("元旦", vec![d("2027-01-01")], vec![])],
        };
        cal.insert(y27).unwrap();
        assert!(!cal.is_working_day(d("2027-01-01")));

        let wrong_year = YearCalendar {
            year: 2027,
            source: String::new(),
            holidays: vec![holiday("元旦", vec![d("2028-01-01")], vec![])],
        };
        assert!(matches!(
            cal.insert(wrong_year),
            Err(CalendarError::WrongYear { .. })
        ));
        let weekday_makeup = YearCalendar {
            year: 2027,
            source: String::new(),
            holidays: vec![holiday("春节", vec![], vec![d("2027-02-03")])],
        };
        assert_eq!(
            cal.insert(weekday_makeup),
            Err(CalendarError::MakeUpOnWeekday(d("2027-02-03")))
        );
        let both = YearCalendar {
            year: 2027,
            source: String::new(),
            holidays: vec![holiday(
                "春节",
                vec![d("2027-02-06")],
                vec![d("2027-02-06")],
            )],
        };
        assert_eq!(
            cal.insert(both),
            Err(CalendarError::BothOffAndWorking(d("2027-02-06")))
        );
        // The refused imports left the good 2027 data in place.
        assert!(!cal.is_working_day(d("2027-01-01")));
    }

    #[test]
    fn dates_are_written_as_runs() {
        let year = &shipped_years()[1];
        let spring = &year.holidays[1];
        assert_eq!(dates_zh(&spring.days_off), "2月15日至23日");
        assert_eq!(
            dates_zh(&spring.makeup_workdays),
            "2月14日（星期六）、2月28日（星期六）"
        );
        let y25 = &shipped_years()[0];
        assert_eq!(dates_zh(&y25.holidays[1].days_off), "1月28日至2月4日");
    }

    #[test]
    fn working_days_between_counts_after_the_start_up_to_the_end() {
        let cal = WorkCalendar::official();
        assert_eq!(
            cal.working_days_between(d("2026-09-28"), d("2026-10-30")),
            20
        );
        assert_eq!(
            cal.working_days_between(d("2026-10-30"), d("2026-09-28")),
            0
        );
        assert_eq!(
            cal.working_days_between(d("2026-10-01"), d("2026-10-07")),
            0
        );
    }
}
