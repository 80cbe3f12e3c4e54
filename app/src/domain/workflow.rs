//! 办件状态机 (application state machine): ONE table of transitions. Each row says from which state
//! an action leads where, who may take it, and what it does to the clocks. The pages draw their
//! buttons from this table and the services check the same table before writing (DESIGN.md §4.4).

use super::role::Role;
use serde::{Deserialize, Serialize};

/// 办件状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 草稿: not yet submitted.
    Draft,
    /// 已提交 (待受理): the acceptance clock runs.
    Submitted,
    /// 待补正: a one-time notice listed everything missing.
    AwaitingSupplement,
    /// 不予受理.
    NotAccepted,
    /// 审查中: accepted (or deemed accepted); the decision clocks run.
    UnderReview,
    /// 特别程序中: the decision clocks are stopped.
    Suspended,
    /// 准予许可.
    Granted,
    /// 不予许可.
    Denied,
    /// 办结: the result is produced.
    Concluded,
    /// 已送达.
    Delivered,
    /// 已撤回.
    Withdrawn,
}

impl State {
    pub const ALL: [State; 11] = [
        State::Draft,
        State::Submitted,
        State::AwaitingSupplement,
        State::NotAccepted,
        State::UnderReview,
        State::Suspended,
        State::Granted,
        State::Denied,
        State::Concluded,
        State::Delivered,
        State::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::AwaitingSupplement => "awaiting_supplement",
            State::NotAccepted => "not_accepted",
            State::UnderReview => "under_review",
            State::Suspended => "suspended",
            State::Granted => "granted",
            State::Denied => "denied",
            State::Concluded => "concluded",
            State::Delivered => "delivered",
            State::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::Submitted => "待受理",
            State::AwaitingSupplement => "待补正",
            State::NotAccepted => "不予受理",
            State::UnderReview => "审查中",
            State::Suspended => "特别程序中",
            State::Granted => "准予许可",
            State::Denied => "不予许可",
            State::Concluded => "已办结",
            State::Delivered => "已送达",
            State::Withdrawn => "已撤回",
        }
    }
}

/// 办理动作.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    RequestSupplement,
    Resubmit,
    Accept,
    DeemAccept,
    RefuseAcceptance,
    CompleteStep,
    StartParallel,
    AnswerBranch,
    DeemConsent,
    Suspend,
    Resume,
    RequestExtension,
    Extend,
    Grant,
    Deny,
    Conclude,
    Deliver,
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 19] = [
        Action::Submit,
        Action::RequestSupplement,
        Action::Resubmit,
        Action::Accept,
        Action::DeemAccept,
        Action::RefuseAcceptance,
        Action::CompleteStep,
        Action::StartParallel,
        Action::AnswerBranch,
        Action::DeemConsent,
        Action::Suspend,
        Action::Resume,
        Action::RequestExtension,
        Action::Extend,
        Action::Grant,
        Action::Deny,
        Action::Conclude,
        Action::Deliver,
        Action::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::RequestSupplement => "request_supplement",
            Action::Resubmit => "resubmit",
            Action::Accept => "accept",
            Action::DeemAccept => "deem_accept",
            Action::RefuseAcceptance => "refuse_acceptance",
            Action::CompleteStep => "complete_step",
            Action::StartParallel => "start_parallel",
            Action::AnswerBranch => "answer_branch",
            Action::DeemConsent => "deem_consent",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::RequestExtension => "request_extension",
            Action::Extend => "extend",
            Action::Grant => "grant",
            Action::Deny => "deny",
            Action::Conclude => "conclude",
            Action::Deliver => "deliver",
            Action::Withdraw => "withdraw",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Action::Submit => "提交申请",
            Action::RequestSupplement => "一次性告知补正",
            Action::Resubmit => "补正后重新提交",
            Action::Accept => "受理",
            Action::DeemAccept => "视为受理",
            Action::RefuseAcceptance => "不予受理",
            Action::CompleteStep => "完成本环节",
            Action::StartParallel => "发起并联审批",
            Action::AnswerBranch => "协办意见",
            Action::DeemConsent => "超时默许",
            Action::Suspend => "进入特别程序",
            Action::Resume => "特别程序结束",
            Action::RequestExtension => "申请延期",
            Action::Extend => "批准延期",
            Action::Grant => "准予许可",
            Action::Deny => "不予许可",
            Action::Conclude => "办结",
            Action::Deliver => "送达",
            Action::Withdraw => "撤回申请",
        }
    }
}

/// Who takes an action: the applicant, a staff role, or the scheduler on the law's behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Actor {
    Applicant,
    Staff(Role),
    System,
}

/// What an action does to the clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockEffect {
    None,
    /// The acceptance clock (5 working days) starts.
    StartAcceptance,
    /// The acceptance clock stops (a notice was given or acceptance refused).
    StopAcceptance,
    /// The acceptance clock stops; the legal, promised and first step clocks start.
    StartDecision,
    /// The current step's clock stops and the next step's starts.
    NextStep,
    /// Each assisting department's branch clock starts.
    StartBranches,
    /// One branch clock stops (answered or deemed consent).
    StopBranch,
    /// Every decision clock pauses (特别程序).
    PauseDecision,
    /// Every paused clock resumes.
    ResumeDecision,
    /// The legal clock is lengthened (延期).
    ExtendLegal,
    /// The decision clocks stop and the delivery clock (10 working days) starts.
    StopDecisionStartDelivery,
    /// The decision clocks stop.
    StopDecision,
    /// The delivery clock stops.
    StopDelivery,
    /// Every clock stops.
    StopAll,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub action: Action,
    pub to: State,
    pub actors: &'static [Actor],
    pub clock: ClockEffect,
}

use Action as A;
use Actor::{Applicant, Staff, System};
use ClockEffect as C;
use Role::{Approver, Clerk, Head, Reviewer};
use State as S;

const fn row(
    from: State,
    action: Action,
    to: State,
    actors: &'static [Actor],
    clock: ClockEffect,
) -> Transition {
    Transition {
        from,
        action,
        to,
        actors,
        clock,
    }
}

const APPLICANT_OR_CLERK: &[Actor] = &[Applicant, Staff(Clerk)];
const CLERK: &[Actor] = &[Staff(Clerk)];
const CASE_HANDLERS: &[Actor] = &[Staff(Reviewer), Staff(Approver)];

/// The table. Every state change of an application goes through one of these rows.
pub const TRANSITIONS: &[Transition] = &[
    // 提交: the applicant online, or the clerk for a walk-in applicant; 5 working days to answer.
    row(
        S::Draft,
        A::Submit,
        S::Submitted,
        APPLICANT_OR_CLERK,
        C::StartAcceptance,
    ),
    // 一次性告知补正 (行政许可法 第三十二条): everything missing at once; the acceptance clock stops.
    row(
        S::Submitted,
        A::RequestSupplement,
        S::AwaitingSupplement,
        CLERK,
        C::StopAcceptance,
    ),
    // 补正后重新提交: a fresh acceptance clock starts.
    row(
        S::AwaitingSupplement,
        A::Resubmit,
        S::Submitted,
        APPLICANT_OR_CLERK,
        C::StartAcceptance,
    ),
    // 受理: the decision clocks start the day of acceptance.
    row(
        S::Submitted,
        A::Accept,
        S::UnderReview,
        CLERK,
        C::StartDecision,
    ),
    // 视为受理: no notice and no refusal within 5 working days (第三十二条).
    row(
        S::Submitted,
        A::DeemAccept,
        S::UnderReview,
        &[System],
        C::StartDecision,
    ),
    // 不予受理: with a reason in writing.
    row(
        S::Submitted,
        A::RefuseAcceptance,
        S::NotAccepted,
        CLERK,
        C::StopAcceptance,
    ),
    // 审查、审核: one step of the item's process done, the next starts.
    row(
        S::UnderReview,
        A::CompleteStep,
        S::UnderReview,
        CASE_HANDLERS,
        C::NextStep,
    ),
    // 并联审批: the lead department opens branches for the assisting departments.
    row(
        S::UnderReview,
        A::StartParallel,
        S::UnderReview,
        &[Staff(Reviewer)],
        C::StartBranches,
    ),
    // 协办意见: agree, disagree, or agree with conditions.
    row(
        S::UnderReview,
        A::AnswerBranch,
        S::UnderReview,
        &[Staff(Reviewer)],
        C::StopBranch,
    ),
    // 超时默许: an assisting department silent past its limit is deemed to consent.
    row(
        S::UnderReview,
        A::DeemConsent,
        S::UnderReview,
        &[System],
        C::StopBranch,
    ),
    // 特别程序 (第四十五条): hearing, testing, expert review… do not count.
    row(
        S::UnderReview,
        A::Suspend,
        S::Suspended,
        CASE_HANDLERS,
        C::PauseDecision,
    ),
    row(
        S::Suspended,
        A::Resume,
        S::UnderReview,
        CASE_HANDLERS,
        C::ResumeDecision,
    ),
    // 延期申请: the handler asks the head, with the reason; nothing changes until the head approves.
    row(
        S::UnderReview,
        A::RequestExtension,
        S::UnderReview,
        CASE_HANDLERS,
        C::None,
    ),
    // 延期 (第四十二条): once, 10 working days, approved by the head, reason told to the applicant.
    row(
        S::UnderReview,
        A::Extend,
        S::UnderReview,
        &[Staff(Head)],
        C::ExtendLegal,
    ),
    // 决定 (第三十八条).
    row(
        S::UnderReview,
        A::Grant,
        S::Granted,
        &[Staff(Approver)],
        C::StopDecisionStartDelivery,
    ),
    row(
        S::UnderReview,
        A::Deny,
        S::Denied,
        &[Staff(Approver)],
        C::StopDecision,
    ),
    // 办结: the certificate or the written decision is produced.
    row(
        S::Granted,
        A::Conclude,
        S::Concluded,
        &[Staff(Clerk), Staff(Approver)],
        C::None,
    ),
    row(
        S::Denied,
        A::Conclude,
        S::Concluded,
        &[Staff(Clerk), Staff(Approver)],
        C::None,
    ),
    // 送达 (第四十四条): within 10 working days of the grant.
    row(
        S::Concluded,
        A::Deliver,
        S::Delivered,
        CLERK,
        C::StopDelivery,
    ),
    // 撤回: by the applicant, at any time before a decision.
    row(
        S::Submitted,
        A::Withdraw,
        S::Withdrawn,
        &[Applicant],
        C::StopAll,
    ),
    row(
        S::AwaitingSupplement,
        A::Withdraw,
        S::Withdrawn,
        &[Applicant],
        C::StopAll,
    ),
    row(
        S::UnderReview,
        A::Withdraw,
        S::Withdrawn,
        &[Applicant],
        C::StopAll,
    ),
    row(
        S::Suspended,
        A::Withdraw,
        S::Withdrawn,
        &[Applicant],
        C::StopAll,
    ),
];

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("办件当前状态为“{}”，不能{}", .0.name_zh(), .1.name_zh())]
    NotInThisState(State, Action),
    #[error("您无权对该办件进行“{}”操作", .0.name_zh())]
    NotYourAction(Action),
}

/// The row for `action` from `from`, if `actors` (everything the caller acts as) may take it.
pub fn check(
    from: State,
    action: Action,
    actors: &[Actor],
) -> Result<&'static Transition, WorkflowError> {
    let t = TRANSITIONS
        .iter()
        .find(|t| t.from == from && t.action == action)
        .ok_or(WorkflowError::NotInThisState(from, action))?;
    if t.actors.iter().any(|a| actors.contains(a)) {
        Ok(t)
    } else {
        Err(WorkflowError::NotYourAction(action))
    }
}

/// The actions `actors` may take from `state`, in table order: what the buttons show.
pub fn available(state: State, actors: &[Actor]) -> Vec<Action> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == state && t.actors.iter().any(|a| actors.contains(a)))
        .map(|t| t.action)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_actor() -> Vec<Actor> {
        let mut all = vec![Applicant, System];
        all.extend(Role::ALL.iter().map(|r| Staff(*r)));
        all
    }

    #[test]
    fn every_row_admits_its_actors_and_refuses_everyone_else() {
        for t in TRANSITIONS {
            for actor in every_actor() {
                let result = check(t.from, t.action, &[actor]);
                if t.actors.contains(&actor) {
                    assert_eq!(
                        result,
                        Ok(t),
                        "{actor:?} may {:?} from {:?}",
                        t.action,
                        t.from
                    );
                } else {
                    assert_eq!(
                        result,
                        Err(WorkflowError::NotYourAction(t.action)),
                        "{actor:?} may not {:?} from {:?}",
                        t.action,
                        t.from
                    );
                }
            }
        }
    }

    #[test]
    fn actions_outside_the_table_are_refused_in_every_state() {
        for state in State::ALL {
            for action in Action::ALL {
                let in_table = TRANSITIONS
                    .iter()
                    .any(|t| t.from == state && t.action == action);
                if !in_table {
                    assert_eq!(
                        check(state, action, &every_actor()),
                        Err(WorkflowError::NotInThisState(state, action))
                    );
                }
            }
        }
    }

    #[test]
    fn the_table_has_one_row_per_state_and_action() {
        for (i, a) in TRANSITIONS.iter().enumerate() {
            for b in &TRANSITIONS[i + 1..] {
                assert!(
                    !(a.from == b.from && a.action == b.action),
                    "{a:?} and {b:?}"
                );
            }
        }
    }

    #[test]
    fn withdrawal_is_possible_until_the_decision_and_not_after() {
        for state in State::ALL {
            let may = check(state, Action::Withdraw, &[Applicant]).is_ok();
            let before_decision = matches!(
                state,
                State::Submitted
                    | State::AwaitingSupplement
                    | State::UnderReview
                    | State::Suspended
            );
            assert_eq!(may, before_decision, "{state:?}");
        }
    }

    #[test]
    fn every_state_is_reachable_from_a_draft() {
        let mut reached = vec![State::Draft];
        let mut i = 0;
        while i < reached.len() {
            let from = reached[i];
            for t in TRANSITIONS.iter().filter(|t| t.from == from) {
                if !reached.contains(&t.to) {
                    reached.push(t.to);
                }
            }
            i += 1;
        }
        for state in State::ALL {
            assert!(reached.contains(&state), "{state:?} unreachable");
        }
    }

    #[test]
    fn a_clerk_sees_accept_supplement_and_refuse_on_a_submitted_case() {
        assert_eq!(
            available(State::Submitted, &[Staff(Clerk)]),
            vec![
                Action::RequestSupplement,
                Action::Accept,
                Action::RefuseAcceptance
            ]
        );
        assert_eq!(
            available(State::Submitted, &[Applicant]),
            vec![Action::Withdraw]
        );
        assert!(available(State::Delivered, &every_actor()).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for s in State::ALL {
            assert_eq!(State::from_code(s.code()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
    }

    #[test]
    fn final_states_are_the_ends_of_a_case() {
        let finals: Vec<State> = State::ALL
            .into_iter()
            .filter(|s| !TRANSITIONS.iter().any(|t| t.from == *s))
            .collect();
        assert_eq!(
            finals,
            vec![State::NotAccepted, State::Delivered, State::Withdrawn]
        );
    }
}
