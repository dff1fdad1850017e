//! The self-evaluation's rules: when a question counts as answered, the fill percentage, the
//! values typed as achieved, which questions the tree's filter shows, and what closing needs;
//! and the tree as pages show it.

pub mod appraisal;
pub mod closing;
pub mod exchange;
pub mod rules;
pub mod tree;
pub mod tree_filter;
pub mod values;
