//! Words and dates shown to citizens in their language: case states, 好差评 levels, the names of
//! deadlines, and dates (2026年12月1日, 1 Dec 2026). The server sends codes and Chinese names;
//! the page picks the words.

use crate::domain::talk::{TalkChannel, TalkState};
use crate::i18n::*;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// A case state's name, by its code; the server's Chinese name for a state this build doesn't know.
pub fn state_text(i18n: I18n, code: &str, fallback: &str) -> String {
    match code {
        "draft" => t_string!(i18n, state_draft),
        "submitted" => t_string!(i18n, state_submitted),
        "awaiting_supplement" => t_string!(i18n, state_awaiting_supplement),
        "not_accepted" => t_string!(i18n, state_not_accepted),
        "under_review" => t_string!(i18n, state_under_review),
        "suspended" => t_string!(i18n, state_suspended),
        "granted" => t_string!(i18n, state_granted),
        "denied" => t_string!(i18n, state_denied),
        "concluded" => t_string!(i18n, state_concluded),
        "delivered" => t_string!(i18n, state_delivered),
        "withdrawn" => t_string!(i18n, state_withdrawn),
        _ => fallback,
    }
    .to_string()
}

/// What happened to a case, by the action's code; the server's Chinese words for another.
pub fn action_text(i18n: I18n, code: &str, fallback: &str) -> String {
    match code {
        "submit" => t_string!(i18n, act_submit),
        "request_supplement" => t_string!(i18n, act_request_supplement),
        "resubmit" => t_string!(i18n, act_resubmit),
        "accept" => t_string!(i18n, act_accept),
        "deem_accept" => t_string!(i18n, act_deem_accept),
        "refuse_acceptance" => t_string!(i18n, act_refuse_acceptance),
        "complete_step" => t_string!(i18n, act_complete_step),
        "start_parallel" => t_string!(i18n, act_start_parallel),
        "answer_branch" => t_string!(i18n, act_answer_branch),
        "deem_consent" => t_string!(i18n, act_deem_consent),
        "suspend" => t_string!(i18n, act_suspend),
        "resume" => t_string!(i18n, act_resume),
        "extend" => t_string!(i18n, act_extend),
        "grant" => t_string!(i18n, act_grant),
        "deny" => t_string!(i18n, act_deny),
        "conclude" => t_string!(i18n, act_conclude),
        "deliver" => t_string!(i18n, act_deliver),
        "withdraw" => t_string!(i18n, act_withdraw),
        _ => fallback,
    }
    .to_string()
}

/// A question's, petition's or letter's state, for its writer.
pub fn talk_state_text(i18n: I18n, state: TalkState) -> &'static str {
    match state {
        TalkState::Waiting => t_string!(i18n, ts_waiting),
        TalkState::Registered => t_string!(i18n, ts_registered),
        TalkState::NotAccepted => t_string!(i18n, ts_not_accepted),
        TalkState::Handling => t_string!(i18n, ts_handling),
        TalkState::Replied => t_string!(i18n, ts_replied),
        TalkState::ReviewRequested => t_string!(i18n, ts_review_requested),
        TalkState::Reviewed => t_string!(i18n, ts_reviewed),
        TalkState::ReReviewRequested => t_string!(i18n, ts_rereview_requested),
        TalkState::ReReviewed => t_string!(i18n, ts_rereviewed),
        TalkState::Assigned => t_string!(i18n, ts_assigned),
        TalkState::Checking => t_string!(i18n, ts_checking),
        TalkState::Answered => t_string!(i18n, ts_answered),
    }
}

/// The channel's name (网上咨询 …) and what one of its things is called (咨询, 信访事项, 来信).
pub fn talk_channel_text(i18n: I18n, channel: TalkChannel) -> (&'static str, &'static str) {
    match channel {
        TalkChannel::Consultation => (
            t_string!(i18n, ch_consult),
            t_string!(i18n, tc_consultation),
        ),
        TalkChannel::Petition => (t_string!(i18n, ch_petition), t_string!(i18n, tc_petition)),
        TalkChannel::Letter => (t_string!(i18n, ch_mailbox), t_string!(i18n, tc_letter)),
    }
}

/// A 好差评 level's name (5 = 非常满意 … 1 = 非常不满意).
pub fn rating_text(i18n: I18n, level: i32) -> &'static str {
    match level {
        5 => t_string!(i18n, rating_5),
        4 => t_string!(i18n, rating_4),
        3 => t_string!(i18n, rating_3),
        2 => t_string!(i18n, rating_2),
        _ => t_string!(i18n, rating_1),
    }
}

/// A public deadline's name by its clock kind; the server's label for another.
pub fn deadline_text(i18n: I18n, kind: &str, fallback: &str) -> String {
    match kind {
        "acceptance" => t_string!(i18n, dl_acceptance),
        "legal" => t_string!(i18n, dl_legal),
        "promised" => t_string!(i18n, dl_promised),
        "delivery" => t_string!(i18n, dl_delivery),
        _ => fallback,
    }
    .to_string()
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as the language writes it.
pub fn date_text(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::en => format!(
            "{} {} {}",
            date.day(),
            MONTHS_EN[date.month0() as usize],
            date.year()
        ),
        _ => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// A moment in Beijing time, as the language writes it.
pub fn time_text(locale: Locale, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&crate::domain::time::china());
    format!(
        "{} {}",
        date_text(locale, local.date_naive()),
        local.format("%H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Every state and every action the public timeline shows has its words in each language
    /// (the pages build the keys from the codes).
    #[test]
    fn every_state_and_public_action_has_words() {
        use crate::domain::workflow::{Action, State};
        for locale in [Locale::zh_CN, Locale::zh_TW, Locale::en] {
            for state in State::ALL {
                assert!(!text(locale, &format!("state_{}", state.code())).is_empty());
            }
            for action in Action::ALL
                .into_iter()
                .filter(|a| *a != Action::RequestExtension)
            {
                assert!(!text(locale, &format!("act_{}", action.code())).is_empty());
            }
        }
        assert_eq!(text(Locale::en, "act_submit"), "Application submitted");
    }

    #[test]
    fn dates_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date_text(Locale::zh_CN, d), "2026年12月1日");
        assert_eq!(date_text(Locale::zh_TW, d), "2026年12月1日");
        assert_eq!(date_text(Locale::en, d), "1 Dec 2026");
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 16, 5, 0).unwrap();
        assert_eq!(time_text(Locale::en, at), "1 Dec 2026 00:05");
    }
}
