//! The figures of "Graphiques du suivi", from the same rows as the dashboard: the fill
//! percentages and closings come with them; the objectives' shares read the answers a few
//! evaluations at a time, like the export.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use ecars_core::evaluation::appraisal::meets_target;
use ecars_core::vocabulary::NodeKind;
use ecars_core::vocabulary::ValueKind;
use sea_orm::{ConnectionTrait, DbErr};

use super::{fill_distribution, Charts, ClosingWeeks, ObjectiveShare, Week};
use crate::accounts::access::Viewer;
use crate::db::{agency_date, french_date};
use crate::follow_up::dashboard::{select, DashboardFilter, DashboardRow};
use crate::follow_up::export::server::{trees_and_answers, EVALUATIONS_PER_BATCH};
use crate::follow_up::service::{follower, windows, year_rows};
use crate::AppError;

/// The most weeks drawn (two years): beyond, the bars would be too thin to read.
const MAX_WEEKS: usize = 104;

/// "Graphiques du suivi" for `viewer`, of what `filter` keeps (every page).
pub async fn charts(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    mut filter: DashboardFilter,
) -> Result<Charts, AppError> {
    let reach = follower(viewer)?;
    let (_, all) = year_rows(db, reach, &mut filter).await?;
    let (_, kept) = select(all, &filter);
    let closed: Vec<NaiveDate> = kept
        .iter()
        .filter_map(|row| row.closed_on.as_ref())
        .filter_map(|(_, seconds)| chrono::DateTime::from_timestamp(*seconds, 0))
        .map(agency_date)
        .collect();
    let window = window_of(db, &kept).await?;
    Ok(Charts {
        total: kept.len(),
        fill: fill_distribution(&kept),
        closings: closing_weeks(&closed, window),
        objectives: objective_shares(db, &kept).await?,
        filter,
    })
}

/// The widest entry window of `rows`' evaluations: their first opening day to their last closing
/// day (extensions are each evaluation's own, not the campaign's).
async fn window_of(db: &impl ConnectionTrait, rows: &[DashboardRow]) -> Result<Option<(NaiveDate, NaiveDate)>, DbErr> {
    let windows = windows(db, rows.iter().map(|row| row.evaluation_id)).await?;
    Ok(windows.values().fold(None, |widest, window| {
        Some(match widest {
            Some((first, last)) => (window.opens_on.min(first), window.closes_on.max(last)),
            None => (window.opens_on, window.closes_on),
        })
    }))
}

fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// Closings per week, from the week of the window's opening (or of the first closing) to that of
/// its end (or of the last closing), at most [`MAX_WEEKS`] of them.
pub fn closing_weeks(closed: &[NaiveDate], window: Option<(NaiveDate, NaiveDate)>) -> ClosingWeeks {
    let mut bounds = closed.iter().copied().chain(window.into_iter().flat_map(|(opens, closes)| [opens, closes]));
    let Some(first) = bounds.next() else {
        return ClosingWeeks { window: None, weeks: Vec::new(), not_shown: 0 };
    };
    let (first, last) = bounds.fold((first, first), |(low, high), day| (low.min(day), high.max(day)));
    let start = monday_of(first);
    let count = ((monday_of(last) - start).num_days() / 7 + 1).clamp(1, MAX_WEEKS as i64) as usize;
    let mut closings = vec![0usize; count];
    let mut not_shown = 0;
    for day in closed {
        match usize::try_from((*day - start).num_days() / 7).ok().filter(|week| *week < count) {
            Some(week) => closings[week] += 1,
            None => not_shown += 1,
        }
    }
    let mut cumulated = 0;
    let weeks = closings
        .into_iter()
        .enumerate()
        .map(|(index, count)| {
            let monday = start + Days::new(7 * index as u64);
            let sunday = monday + Days::new(6);
            cumulated += count;
            Week {
                label: monday.format("%d/%m").to_string(),
                period: format!("du {} au {}", french_date(monday), french_date(sunday)),
                closings: count,
                cumulated,
                in_window: window.is_some_and(|(opens, closes)| monday <= closes && sunday >= opens),
            }
        })
        .collect();
    ClosingWeeks {
        window: window.map(|(opens, closes)| format!("du {} au {}", french_date(opens), french_date(closes))),
        weeks,
        not_shown,
    }
}

/// Per top-level objective (by code and label, across the evaluations, in their trees' order):
/// the answers that can be judged against their target, and those that reach it.
async fn objective_shares(db: &impl ConnectionTrait, rows: &[DashboardRow]) -> Result<Vec<ObjectiveShare>, DbErr> {
    let mut shares: Vec<ObjectiveShare> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for batch in rows.chunks(EVALUATIONS_PER_BATCH) {
        let ids: Vec<i32> = batch.iter().map(|row| row.evaluation_id).collect();
        let (nodes, answers) = trees_and_answers(db, &ids).await?;
        // Each node's top-level objective: parents come before their children.
        let mut root: HashMap<i32, usize> = HashMap::new();
        for node in &nodes {
            let share = match node.parent_id.and_then(|parent| root.get(&parent)) {
                Some(share) => *share,
                None => *index.entry((node.code.clone(), node.label.clone())).or_insert_with(|| {
                    shares.push(ObjectiveShare {
                        code: node.code.clone(),
                        label: node.label.clone(),
                        judged: 0,
                        reached: 0,
                    });
                    shares.len() - 1
                }),
            };
            root.insert(node.id, share);
            if node.kind != NodeKind::Question {
                continue;
            }
            let Some((_, not_concerned, achieved, ..)) = answers.get(&node.id) else { continue };
            let kind = node.value_kind.unwrap_or(ValueKind::Text);
            let target = node.target.as_deref();
            if let Some(reached) = meets_target(kind, target, node.direction, *not_concerned, achieved.as_deref()) {
                let share = &mut shares[share];
                share.judged += 1;
                share.reached += usize::from(reached);
            }
        }
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, month, day).unwrap()
    }

    #[test]
    fn closings_fall_in_their_week_against_the_window() {
        // Window: Tuesday 1 March to Thursday 31 March 2022.
        let weeks = closing_weeks(&[day(3, 2), day(3, 6), day(3, 7), day(4, 12)], Some((day(3, 1), day(3, 31))));
        assert_eq!(weeks.window.as_deref(), Some("du 01/03/2022 au 31/03/2022"));
        assert_eq!(weeks.weeks[0].period, "du 28/02/2022 au 06/03/2022");
        assert_eq!(weeks.weeks[0].closings, 2, "Wednesday and Sunday of the first week");
        assert_eq!(weeks.weeks[1].closings, 1);
        assert!(weeks.weeks[4].in_window, "the week of 28 March holds the last day");
        assert!(!weeks.weeks[5].in_window);
        let last = weeks.weeks.last().unwrap();
        assert_eq!(last.period, "du 11/04/2022 au 17/04/2022");
        assert_eq!((last.closings, last.cumulated), (1, 4));
        assert_eq!(weeks.not_shown, 0);
    }

    #[test]
    fn no_closing_and_no_window_draw_nothing_and_far_closings_are_counted_apart() {
        let empty = closing_weeks(&[], None);
        assert!(empty.weeks.is_empty());
        let far = closing_weeks(&[day(1, 3), NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()], None);
        assert_eq!(far.weeks.len(), MAX_WEEKS);
        assert_eq!(far.not_shown, 1);
        assert_eq!(far.weeks.last().unwrap().cumulated, 1);
    }
}
