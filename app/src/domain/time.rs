//! 时区 (time zone): days and times shown to people are Beijing time (Asia/Shanghai, UTC+8).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8. China has had no daylight saving time since 1991, so a fixed offset is exact.
const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

pub fn china() -> FixedOffset {
    CHINA
}

/// The calendar day in China at the instant `now` (deadlines count in Beijing days).
pub fn local_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&CHINA).date_naive()
}
