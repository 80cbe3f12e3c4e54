//! Crash safety (DESIGN.md §6): the real `yizhan serve` takes hundreds of concurrent submissions
//! over HTTP, is killed with SIGKILL in the middle of them, and is started again on the same
//! database. Every submission it acknowledged must be there, retrying any submission with its
//! Idempotency-Key must give one application, and nothing may be half-written. On SQLite and on
//! PostgreSQL.

mod common;

use app::backend::testing::TestDb;
use common::{count, free_port, json, request, sign_in, start, submit, yizhan, Dir};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const APPLICANTS: usize = 100;
const EACH: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_submissions_survive_sigkill_mid_load() {
    for t in TestDb::both().await {
        let dir = Dir::new(t.label);
        let seeded = yizhan(&t.url, &dir, &["seed", "--demo"], 0)
            .output()
            .unwrap();
        assert!(
            seeded.status.success(),
            "{}",
            String::from_utf8_lossy(&seeded.stderr)
        );
        let names = common::citizens(&t.db, "crash", APPLICANTS).await;
        let port = free_port();
        let server = start(&t.url, &dir, port).await;
        let mut applicants = Vec::new();
        for name in &names {
            applicants.push(Arc::new(sign_in(port, name).await));
        }

        // Every applicant submits three times in a row, all applicants at once; the server is
        // killed once a fifth of the submissions have been acknowledged.
        let acknowledged: Arc<Mutex<Vec<(usize, String, String)>>> = Arc::default();
        let mut tasks = Vec::new();
        for (i, who) in applicants.iter().enumerate() {
            let (who, acked) = (who.clone(), acknowledged.clone());
            let label = t.label;
            tasks.push(tokio::spawn(async move {
                for k in 0..EACH {
                    let key = format!("crash-{label}-{i:03}-{k}");
                    match submit(port, &who, &key).await {
                        Ok(a) if a.status == 201 || a.status == 200 => {
                            let case_no = json(&a.body)["case_no"].as_str().unwrap().to_string();
                            acked.lock().unwrap().push((i, key, case_no));
                        }
                        // Refused by a busy server, or cut off by the kill: not acknowledged.
                        _ => {}
                    }
                }
            }));
        }
        let total = APPLICANTS * EACH;
        loop {
            if acknowledged.lock().unwrap().len() >= total / 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill(); // SIGKILL: no shutdown, no flush
        for task in tasks {
            task.await.unwrap();
        }
        let acked = acknowledged.lock().unwrap().clone();
        assert!(
            acked.len() < total,
            "{}: the kill came after every submission had finished",
            t.label
        );

        let server = start(&t.url, &dir, port).await;
        // Every acknowledged case is there for its owner, as it was acknowledged.
        for (i, _, case_no) in &acked {
            let a = request(
                port,
                "GET",
                &format!("/api/v1/applications/{case_no}"),
                &[("Cookie", applicants[*i].cookie.clone())],
                b"",
            )
            .await
            .unwrap();
            assert_eq!(a.status, 200, "{}: {case_no} lost: {}", t.label, a.body);
        }
        // Retrying every submission with its key: the acknowledged ones answer with their case,
        // the others are taken now; one application per key in the end.
        for (i, who) in applicants.iter().enumerate() {
            for k in 0..EACH {
                let key = format!("crash-{}-{i:03}-{k}", t.label);
                let a = submit(port, who, &key).await.unwrap();
                assert!(
                    a.status == 200 || a.status == 201,
                    "{}: {}",
                    t.label,
                    a.body
                );
                let case_no = json(&a.body)["case_no"].as_str().unwrap().to_string();
                if let Some((_, _, first)) = acked.iter().find(|(_, kk, _)| *kk == key) {
                    assert_eq!(
                        a.status, 200,
                        "{key} was acknowledged: a retry must not make a second case"
                    );
                    assert_eq!(&case_no, first);
                }
            }
        }
        server.kill();

        // Nothing half-written: each case has its key, its clock, its first event and its
        // material; the audit chain is whole.
        let db = &t.db;
        const CRASH_CASES: &str = "SELECT COUNT(*) FROM applications a JOIN users u \
             ON u.id = a.applicant_user_id WHERE u.username LIKE 'crash%'";
        let cases = count(db, CRASH_CASES).await;
        assert_eq!(cases, total as i64, "{}", t.label);
        for (what, missing) in [
            (
                "an idempotency key",
                "SELECT 1 FROM idempotency_keys k WHERE k.case_no = a.case_no",
            ),
            (
                "a clock",
                "SELECT 1 FROM clocks c WHERE c.application_id = a.id",
            ),
            (
                "an event",
                "SELECT 1 FROM application_events e WHERE e.application_id = a.id",
            ),
            (
                "its material",
                "SELECT 1 FROM application_materials m WHERE m.application_id = a.id",
            ),
        ] {
            let sql = format!("{CRASH_CASES} AND NOT EXISTS ({missing})");
            assert_eq!(
                count(db, &sql).await,
                0,
                "{}: cases without {what}",
                t.label
            );
        }
        assert!(matches!(
            app::backend::audit::verify(db).await.unwrap(),
            app::backend::audit::ChainCheck::Intact { .. }
        ));
        eprintln!(
            "{}: {} of {total} submissions acknowledged before SIGKILL; all kept, {total} cases after retries",
            t.label,
            acked.len()
        );
        t.finish().await;
    }
}
