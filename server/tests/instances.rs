//! Several server instances on one PostgreSQL database (DESIGN.md §6): three real `yizhan serve`
//! processes share the database and the file directory, requests are spread over them at random —
//! a retried submission may reach another instance — and all three run the scheduler and the mail
//! worker. Every case, deemed acceptance (视为受理), card, reminder and email must happen once: the
//! test counts them, the emails at a real SMTP server.

mod common;

use app::backend::testing::{SmtpSink, TestDb};
use common::Server;
use common::{count, free_port, json, sign_in, start_with, submit, yizhan, Dir};
use sea_orm::ConnectionTrait;
use std::collections::BTreeSet;
use std::time::Duration;

const APPLICANTS: usize = 30;

async fn three_instances(t: &TestDb, dir: &Dir, ports: &[u16; 3], smtp: u16) -> Vec<Server> {
    let vars = [("YIZHAN_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))];
    let (a, b, c) = tokio::join!(
        start_with(&t.url, dir, ports[0], &vars),
        start_with(&t.url, dir, ports[1], &vars),
        start_with(&t.url, dir, ports[2], &vars),
    );
    vec![a, b, c]
}

fn stop(instances: Vec<Server>) {
    for i in instances {
        i.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_on_postgresql_do_everything_once() {
    let t = TestDb::postgres().await;
    let dir = Dir::new("instances");
    let seeded = yizhan(&t.url, &dir, &["seed", "--demo"], 0)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let names = common::citizens(&t.db, "multi", APPLICANTS).await;
    let smtp = free_port();
    let sink = SmtpSink::start(smtp);
    let ports = [free_port(), free_port(), free_port()];
    let instances = three_instances(&t, &dir, &ports, smtp).await;

    // Each applicant signs in at one instance and submits there; the same submission is retried
    // at the other two at the same moment (a double tap behind a load balancer).
    let mut tasks = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.clone();
        tasks.push(tokio::spawn(async move {
            let who = sign_in(ports[i % 3], &name).await;
            let key = format!("multi-key-{i:03}");
            let (a, b, c) = tokio::join!(
                submit(ports[i % 3], &who, &key),
                submit(ports[(i + 1) % 3], &who, &key),
                submit(ports[(i + 2) % 3], &who, &key),
            );
            let answers: BTreeSet<String> = [a, b, c]
                .into_iter()
                .map(|r| {
                    let r = r.unwrap();
                    assert!(
                        r.status == 201 || r.status == 200,
                        "{}: {}",
                        r.status,
                        r.body
                    );
                    json(&r.body)["case_no"].as_str().unwrap().to_string()
                })
                .collect();
            assert_eq!(answers.len(), 1, "three instances answered {answers:?}");
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    stop(instances);
    let db = &t.db;
    const MINE: &str =
        "SELECT a.id FROM applications a JOIN users u ON u.id = a.applicant_user_id \
                        WHERE u.username LIKE 'multi%'";
    assert_eq!(
        count(db, &format!("SELECT COUNT(*) FROM ({MINE}) m")).await,
        APPLICANTS as i64
    );

    // Nobody accepted them in time: their acceptance deadlines passed long ago. All three
    // instances start at once, and each one's first scheduler pass finds the same due clocks.
    db.execute_unprepared(&format!(
        "UPDATE clocks SET start_date = '2026-01-05', due_date = '2026-01-12', next_check = '2026-01-12' \
         WHERE kind = 'acceptance' AND application_id IN ({MINE})"
    ))
    .await
    .unwrap();
    let instances = three_instances(&t, &dir, &ports, smtp).await;

    // Wait until the mail workers have emptied the outbox (they pass every 15 seconds).
    let pending = "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND sent_at IS NULL";
    for _ in 0..120 {
        let deemed = count(db, &format!(
            "SELECT COUNT(*) FROM application_events WHERE action = 'deem_accept' AND application_id IN ({MINE})"
        ))
        .await;
        if deemed == APPLICANTS as i64 && count(db, pending).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // One more mail pass's time, for any second sending to show up.
    tokio::time::sleep(Duration::from_secs(16)).await;
    stop(instances);

    let per_case = |sql: &str| format!("SELECT COUNT(*) FROM ({sql}) x");
    // Each case deemed accepted exactly once, and moved on once.
    assert_eq!(
        count(
            db,
            &per_case(&format!(
                "SELECT application_id FROM application_events WHERE action = 'deem_accept' \
             AND application_id IN ({MINE}) GROUP BY application_id HAVING COUNT(*) = 1"
            ))
        )
        .await,
        APPLICANTS as i64
    );
    // One red card per overdue acceptance clock, never two.
    assert_eq!(
        count(
            db,
            &format!(
                "SELECT COUNT(*) FROM cards WHERE color = 'red' AND application_id IN ({MINE})"
            )
        )
        .await,
        APPLICANTS as i64
    );
    assert_eq!(
        count(
            db,
            &per_case("SELECT clock_id FROM cards GROUP BY clock_id, color HAVING COUNT(*) > 1")
        )
        .await,
        0
    );
    // Every email row sent, each once: the SMTP server got exactly as many messages, none twice.
    assert_eq!(count(db, pending).await, 0);
    let sent = count(
        db,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND sent_at IS NOT NULL",
    )
    .await;
    let mails: Vec<(String, String)> = sink
        .mails()
        .iter()
        .map(|m| {
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            (text(&m["to"][0]), text(&m["subject"]))
        })
        .collect();
    assert_eq!(
        mails.len() as i64,
        sent,
        "emails received vs. outbox rows sent"
    );
    let distinct: BTreeSet<_> = mails.iter().collect();
    assert_eq!(distinct.len(), mails.len(), "an email went out twice");
    // Each applicant got the submission notice and the deemed-acceptance notice, once each.
    for name in &names {
        let theirs = mails
            .iter()
            .filter(|(to, _)| to == &format!("{name}@example.com"))
            .count();
        assert!(theirs >= 2, "{name}: {theirs} emails");
    }
    eprintln!(
        "3 instances: {APPLICANTS} cases, {APPLICANTS} deemed acceptances, {APPLICANTS} red cards, {} emails, each once",
        mails.len()
    );
    t.finish().await;
}
