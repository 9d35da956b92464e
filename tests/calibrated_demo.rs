//! The calibrated demo year (issue 10 item 5): generated cases, each through the real life
//! cycle, whose report for 2023-01-01 … 2023-09-30 gives the city's seven published figures.

use chrono::NaiveDate;
use duty_desk::domain::office_time::Period;
use duty_desk::domain::{Org, Policy};
use duty_desk::ingest::generate::calibrate::{calibrated_year, PUBLISHED_2023_Q1_Q3};
use duty_desk::store::Store;
use tempfile::TempDir;

#[test]
fn the_demo_year_reproduces_the_published_figures() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::create(&dir.path().join("desk.db")).unwrap();
    let org: Org = serde_json::from_str(include_str!("../fixtures/demo-org.json")).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2023, 9, 30).unwrap();
    store.init_org(&org, &Policy::default(), chrono::Utc::now()).unwrap();
    let (org, policy) = (store.org().unwrap().clone(), store.policy().clone());
    let (cases, now) = calibrated_year(&org, &policy, 2023, 2023, as_of, PUBLISHED_2023_Q1_Q3).unwrap();
    store.insert_generated(cases.into_iter().map(|g| (g.case, g.followups)), "test", now).unwrap();
    let period = Period::range(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(), as_of).unwrap();
    let r = store.report(period, &[]).unwrap();
    assert_eq!(r.figures.mediated, 4085);
    assert_eq!(r.figures.successful, 4084);
    assert_eq!(r.success_rate, "99.98%");
    assert_eq!(r.amount_wan_yuan, "14706.94");
    assert_eq!(r.figures.agreements, 4084);
    assert_eq!(r.figures.performed, 4084);
    assert_eq!(r.figures.judicial_applications, 89);
}
