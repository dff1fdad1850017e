//! The indicator tree as HTML, written straight into one string.
//!
//! Why not `view!`: the tree is never hydrated (the island acts on it through the DOM only), and
//! with `erase_components` (then on) every element child was boxed as a view of its own. Rendering
//! the 550 nodes of the 500-question contract took about 2.5 ms that way, against a tenth of a
//! millisecond here. What the island expects of this markup (ids, `aria-controls`,
//! `data-question`, the dot's classes) is kept in one place: here and in `tree_browser.rs`.

use std::collections::HashSet;
use std::fmt::Write;

use ecars_core::evaluation::rules::QuestionStatus;
use ecars_core::evaluation::tree::TreeMode;
use ecars_core::evaluation::tree_filter::{TreeFilter, TreeMatcher};
use html_escape::{encode_double_quoted_attribute_to_string, encode_text_to_string};

use super::TreeNode;

/// Query parameter of the chosen question.
/// The list under the contract node, which "Replier le contrat" folds.
pub const CONTRACT_LIST: &str = "arbre-contrat";
const LEGAL_ENTITY_LIST: &str = "arbre-ej";

/// The tree as sent: its items, and how many questions the filter shows among all.
pub struct RenderedTree {
    pub html: String,
    pub shown: usize,
    pub total: usize,
}

/// The items of the tree's outer list: the contract, its legal entity, then the objectives and
/// their questions, every node open. `selected` is the question marked `aria-current` (always
/// shown, whatever the filter); the questions' links stay in `earlier_year` when the tree is that
/// of an earlier year, and keep the filter. What the filter leaves out is `hidden`.
pub fn tree_items(
    contract_name: &str,
    legal_entity_title: &str,
    objectives: &[TreeNode],
    selected: Option<i32>,
    earlier_year: Option<i32>,
    filter: &TreeFilter,
    mode: TreeMode,
) -> RenderedTree {
    let matcher = filter.matcher();
    let visible = (!matcher.shows_all()).then(|| {
        let mut visible = HashSet::new();
        for objective in objectives {
            mark_visible(objective, &matcher, selected, &mut Vec::new(), &mut visible);
        }
        visible
    });
    let kept = filter.query();
    let shown = Shown { selected, earlier_year, kept: &kept, visible: visible.as_ref(), mode };
    let nodes = count_nodes(objectives);
    // About 400 bytes per question: one allocation for the whole page.
    let mut html = String::with_capacity(1024 + 512 * nodes.all);
    open_node(&mut html, CONTRACT_LIST, contract_name, true);
    open_node(&mut html, LEGAL_ENTITY_LIST, &format!("EJ - {legal_entity_title}"), true);
    for objective in objectives {
        node(&mut html, objective, &shown);
    }
    close_node(&mut html);
    close_node(&mut html);
    let shown_questions = match &visible {
        Some(visible) => visible.iter().filter(|id| nodes.questions.contains(id)).count(),
        None => nodes.questions.len(),
    };
    RenderedTree { html, shown: shown_questions, total: nodes.questions.len() }
}

/// Marks the questions the filter shows and the objectives above them; says whether any is.
fn mark_visible(
    node: &TreeNode,
    matcher: &TreeMatcher,
    selected: Option<i32>,
    objectives: &mut Vec<String>,
    visible: &mut HashSet<i32>,
) -> bool {
    let shown = match node.status {
        Some(status) => {
            let titles: Vec<&str> = objectives.iter().map(String::as_str).collect();
            selected == Some(node.id) || matcher.shows(status, &node.title(), &titles)
        }
        None => {
            objectives.push(node.title());
            let mut any = false;
            for child in &node.children {
                any |= mark_visible(child, matcher, selected, objectives, visible);
            }
            objectives.pop();
            any
        }
    };
    if shown {
        visible.insert(node.id);
    }
    shown
}

struct NodeCount {
    all: usize,
    questions: HashSet<i32>,
}

fn count_nodes(nodes: &[TreeNode]) -> NodeCount {
    fn walk(nodes: &[TreeNode], count: &mut NodeCount) {
        for node in nodes {
            count.all += 1;
            if node.status.is_some() {
                count.questions.insert(node.id);
            }
            walk(&node.children, count);
        }
    }
    let mut count = NodeCount { all: 0, questions: HashSet::new() };
    walk(nodes, &mut count);
    count
}

/// The question marked as chosen, the earlier year the tree is of, if any, the filter's query
/// pairs, and the nodes it shows (`None`: all).
struct Shown<'a> {
    selected: Option<i32>,
    earlier_year: Option<i32>,
    kept: &'a [String],
    visible: Option<&'a HashSet<i32>>,
    mode: TreeMode,
}

impl Shown<'_> {
    fn shows(&self, id: i32) -> bool {
        self.visible.is_none_or(|visible| visible.contains(&id))
    }
}

fn node(html: &mut String, node: &TreeNode, shown: &Shown) {
    match node.status {
        Some(status) => question(html, node, status, shown),
        None => {
            open_node(html, &format!("noeud-{}", node.id), &node.title(), shown.shows(node.id));
            for child in &node.children {
                self::node(html, child, shown);
            }
            close_node(html);
        }
    }
}

/// An inner node: its toggle (a button, so Enter and Space fold it) and the start of its list.
fn open_node(html: &mut String, list_id: &str, title: &str, shown: bool) {
    html.push_str(if shown { r#"<li class="tree__node">"# } else { r#"<li class="tree__node" hidden>"# });
    html.push_str(r#"<button type="button" class="tree__toggle" aria-controls=""#);
    encode_double_quoted_attribute_to_string(list_id, html);
    html.push_str(r#"" aria-expanded="true"><span class="tree__chevron" aria-hidden="true"></span>"#);
    encode_text_to_string(title, html);
    html.push_str(r#"</button><ul id=""#);
    encode_double_quoted_attribute_to_string(list_id, html);
    html.push_str(r#"">"#);
}

fn close_node(html: &mut String) {
    html.push_str("</ul></li>");
}

/// A question: a link to its panel, its dot, and the dot's meaning for screen readers.
fn question(html: &mut String, node: &TreeNode, status: QuestionStatus, shown: &Shown) {
    let (id, query) = (node.id, ecars_core::routes::question_query_in(node.id, shown.earlier_year, shown.kept));
    let selected = shown.selected == Some(id);
    html.push_str(if shown.shows(id) { r#"<li class="tree__leaf">"# } else { r#"<li class="tree__leaf" hidden>"# });
    html.push_str(r#"<a class="tree__question" href=""#);
    encode_double_quoted_attribute_to_string(&query, html);
    let _ = write!(html, r#"" data-question="{id}""#);
    if selected {
        html.push_str(r#" aria-current="true""#);
    }
    let _ = write!(
        html,
        r#"><span class="{}" title="{}" aria-hidden="true"></span><span class="fr-sr-only">{}</span>"#,
        status.dot_class(),
        shown.mode.status_label(status),
        shown.mode.spoken_prefix(status),
    );
    encode_text_to_string(&node.code, html);
    html.push_str(" - ");
    encode_text_to_string(&node.label, html);
    if let Some(value) = &node.agency_value {
        html.push_str(r#"<span class="tree__agency-value"> — valeur de l'agence : "#);
        encode_text_to_string(value, html);
        html.push_str("</span>");
    }
    html.push_str("</a></li>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question_node(id: i32, code: &str, label: &str, status: QuestionStatus) -> TreeNode {
        TreeNode {
            id,
            code: code.into(),
            label: label.into(),
            status: Some(status),
            agency_value: None,
            children: vec![],
        }
    }

    fn sample() -> Vec<TreeNode> {
        vec![TreeNode {
            id: 7,
            code: "1.1".into(),
            label: "Objectif <b>gras</b> & \"cité\"".into(),
            status: None,
            agency_value: None,
            children: vec![
                question_node(8, "1.1.a", "Taux < 5 %", QuestionStatus::ToFill),
                question_node(9, "1.1.b", "Saisie nationale", QuestionStatus::Locked),
            ],
        }]
    }

    #[test]
    fn labels_typed_by_an_agency_cannot_inject_markup() {
        let html =
            tree_items("CAQES <script>", "123 - A & B", &sample(), None, None, &TreeFilter::default(), TreeMode::Entry)
                .html;
        assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
        assert!(html.contains("CAQES &lt;script&gt;"));
        assert!(html.contains("EJ - 123 - A &amp; B"));
        assert!(html.contains("1.1 - Objectif &lt;b&gt;gras&lt;/b&gt; &amp; \"cité\""));
        assert!(html.contains("1.1.a - Taux &lt; 5 %"));
    }

    #[test]
    fn every_list_is_controlled_by_its_toggle_and_open() {
        let html =
            tree_items("CAQES TEST", "123 - CHU", &sample(), None, None, &TreeFilter::default(), TreeMode::Entry).html;
        for list in ["arbre-contrat", "arbre-ej", "noeud-7"] {
            assert!(html.contains(&format!(r#"aria-controls="{list}" aria-expanded="true""#)), "{list}");
            assert!(html.contains(&format!(r#"<ul id="{list}">"#)), "{list}");
        }
        assert_eq!(html.matches("<ul").count(), html.matches("</ul>").count());
        assert_eq!(html.matches("<li").count(), html.matches("</li>").count());
    }

    #[test]
    fn questions_link_to_their_panel_with_their_status() {
        let html =
            tree_items("CAQES TEST", "123 - CHU", &sample(), Some(9), None, &TreeFilter::default(), TreeMode::Entry)
                .html;
        assert!(html.contains(r##"href="?question=8#question" data-question="8">"##), "not current: {html}");
        assert!(html.contains(r##"href="?question=9#question" data-question="9" aria-current="true">"##));
        assert!(html.contains(r#"<span class="tree__dot tree__dot--red" title="à saisir" aria-hidden="true">"#));
        assert!(html.contains(r#"<span class="fr-sr-only">non modifiable : </span>1.1.b - Saisie nationale</a>"#));
    }

    #[test]
    fn on_the_appraisal_page_the_dots_say_what_is_left_to_evaluate() {
        let tree =
            tree_items("CAQES TEST", "123 - CHU", &sample(), None, None, &TreeFilter::default(), TreeMode::Appraisal);
        assert!(tree
            .html
            .contains(r#"title="à évaluer" aria-hidden="true"></span><span class="fr-sr-only">à évaluer : </span>"#));
        assert!(!tree.html.contains("à saisir"));
    }

    #[test]
    fn a_value_the_agency_filled_is_shown_beside_its_grey_question() {
        let mut nodes = sample();
        nodes[0].children[1].agency_value = Some("-4,2 <b>".into());
        let html =
            tree_items("CAQES TEST", "123 - CHU", &nodes, None, None, &TreeFilter::default(), TreeMode::Entry).html;
        assert!(html.contains("1.1.b - Saisie nationale<span class=\"tree__agency-value\"> — valeur de l'agence : -4,2 &lt;b&gt;</span></a>"), "{html}");
    }

    #[test]
    fn the_filter_hides_what_it_leaves_out_and_is_kept_in_the_links() {
        let mut nodes = sample();
        nodes.push(TreeNode {
            id: 20,
            code: "2".into(),
            label: "Autre objectif".into(),
            status: None,
            agency_value: None,
            children: vec![question_node(21, "2.a", "Taux déjà saisi", QuestionStatus::Filled)],
        });
        let tree =
            tree_items("CAQES TEST", "123 - CHU", &nodes, None, None, &TreeFilter::new(true, ""), TreeMode::Entry);
        assert_eq!((tree.shown, tree.total), (1, 3));
        assert!(
            tree.html.contains(
                r##"<li class="tree__leaf"><a class="tree__question" href="?a_saisir=1&amp;question=8#question""##
            ),
            "{}",
            tree.html
        );
        assert!(tree
            .html
            .contains(r#"<li class="tree__leaf" hidden><a class="tree__question" href="?a_saisir=1&amp;question=9"#));
        assert!(
            tree.html.contains(
                r#"<li class="tree__node" hidden><button type="button" class="tree__toggle" aria-controls="noeud-20""#
            ),
            "an objective with nothing shown is hidden"
        );
        assert!(tree
            .html
            .contains(r#"<li class="tree__node"><button type="button" class="tree__toggle" aria-controls="noeud-7""#));

        let chosen =
            tree_items("CAQES TEST", "123 - CHU", &nodes, Some(21), None, &TreeFilter::new(true, ""), TreeMode::Entry);
        assert_eq!(chosen.shown, 2, "the chosen question stays in view");

        let searched =
            tree_items("CAQES TEST", "123 - CHU", &nodes, None, None, &TreeFilter::new(false, "deja"), TreeMode::Entry);
        assert_eq!((searched.shown, searched.total), (1, 3));
        assert!(searched.html.contains(r#"href="?recherche=deja&amp;question=21"#));
    }

    #[test]
    fn the_questions_of_an_earlier_year_stay_in_that_year() {
        let html =
            tree_items("CAQES TEST", "123 - CHU", &sample(), None, Some(2021), &TreeFilter::default(), TreeMode::Entry)
                .html;
        assert!(html.contains(r##"href="?annee=2021&amp;question=8#question" data-question="8">"##), "{html}");
    }
}
