//! 黄牌 / 红牌 (cards): the warning a case or a step earns as its deadline nears or passes
//! (DESIGN.md §4.7). `today` is passed in.

use super::calendar::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Default warning window: yellow from one working day before the deadline.
pub const YELLOW_WITHIN_WORKING_DAYS: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Card {
    /// 正常: more than the warning window left.
    Green,
    /// 黄牌: within the warning window, deadline day included.
    Yellow,
    /// 红牌: the deadline has passed.
    Red,
}

impl Card {
    /// The stable code stored in `clocks.card` and `cards.color`.
    pub fn code(self) -> &'static str {
        match self {
            Card::Green => "green",
            Card::Yellow => "yellow",
            Card::Red => "red",
        }
    }

    pub fn from_code(code: &str) -> Option<Card> {
        [Card::Green, Card::Yellow, Card::Red]
            .into_iter()
            .find(|c| c.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Card::Green => "正常",
            Card::Yellow => "黄牌预警",
            Card::Red => "红牌超期",
        }
    }
}

/// The card for a deadline on `today`: red once the deadline day has ended, yellow when at most
/// `yellow_within` working days remain.
pub fn evaluate(
    cal: &WorkCalendar,
    deadline: NaiveDate,
    today: NaiveDate,
    yellow_within: u32,
) -> Card {
    if today > deadline {
        Card::Red
    } else if cal.working_days_between(today, deadline) <= yellow_within {
        Card::Yellow
    } else {
        Card::Green
    }
}

/// The first day on which [`evaluate`] gives yellow, so a scheduler can store when to look again.
pub fn yellow_from(cal: &WorkCalendar, deadline: NaiveDate, yellow_within: u32) -> NaiveDate {
    // Walk back from the deadline until more than `yellow_within` working days separate us.
    let mut d = deadline;
    while let Some(prev) = d.pred_opt() {
        if cal.working_days_between(prev, deadline) > yellow_within {
            break;
        }
        d = prev;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn cards_turn_yellow_the_working_day_before_and_red_the_day_after() {
        let cal = WorkCalendar::official();
        let deadline = d("2026-10-08"); // the Thursday after National Day
        let cases = [
            ("2026-09-29", Card::Green),
            ("2026-09-30", Card::Yellow), // the next working day is the deadline
            ("2026-10-03", Card::Yellow), // holidays do not count as time left
            ("2026-10-08", Card::Yellow),
            ("2026-10-09", Card::Red),
        ];
        for (today, card) in cases {
            assert_eq!(evaluate(&cal, deadline, d(today), 1), card, "{today}");
        }
        assert_eq!(yellow_from(&cal, deadline, 1), d("2026-09-30"));
    }

    #[test]
    fn yellow_from_agrees_with_evaluate() {
        let cal = WorkCalendar::official();
        let mut deadline = d("2026-01-02");
        while deadline < d("2026-12-31") {
            let first = yellow_from(&cal, deadline, 1);
            assert_eq!(
                evaluate(&cal, deadline, first, 1),
                Card::Yellow,
                "{deadline}"
            );
            if let Some(before) = first.pred_opt() {
                assert_eq!(
                    evaluate(&cal, deadline, before, 1),
                    Card::Green,
                    "{deadline}"
                );
            }
            deadline = deadline.succ_opt().unwrap();
        }
    }
}
