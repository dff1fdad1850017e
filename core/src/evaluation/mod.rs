//! The self-evaluation's rules: when a question counts as answered, the fill percentage, and
//! the values typed as achieved.

pub mod rules;
pub mod values;
