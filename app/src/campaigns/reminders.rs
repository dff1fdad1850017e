//! End-of-campaign reminders: each day, for each current evaluation in Auto-Evaluation whose
//! window ends in 14, 7 or 1 days, one mail to the establishment's users with its fill percentage,
//! what is missing and a link. A reminder is sent once per evaluation and stage: its row and its
//! mail are written in one transaction, under a unique (evaluation, stage) key, so a restart or a
//! second instance never sends it again. "Mon compte" lets a user stop them.

/// Days before the last day a reminder goes out; each covers the days down to the next one, so a
/// day the portal was down is caught up the next day.
pub const STAGES: [i64; 3] = [14, 7, 1];

/// The stage due when `days_left` days remain after today (0 on the last day), if any.
pub fn stage_for(days_left: i64) -> Option<i64> {
    if days_left < 0 {
        return None;
    }
    // The smallest stage that still covers `days_left`, so 10 days left is stage 14, 3 is 7.
    STAGES.iter().rev().copied().find(|stage| days_left <= *stage)
}

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod tests {
    use super::stage_for;

    #[test]
    fn each_stage_covers_the_days_down_to_the_next_one() {
        assert_eq!(stage_for(15), None);
        assert_eq!(stage_for(14), Some(14));
        assert_eq!(stage_for(8), Some(14));
        assert_eq!(stage_for(7), Some(7));
        assert_eq!(stage_for(2), Some(7));
        assert_eq!(stage_for(1), Some(1));
        assert_eq!(stage_for(0), Some(1));
        assert_eq!(stage_for(-1), None);
    }
}
