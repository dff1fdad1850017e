//! The indicator tree as HTML, written straight into one string.
//!
//! Why not `view!`: the tree is never hydrated (the island acts on it through the DOM only), and
//! with `erase_components` every element child is boxed as a view of its own. Rendering the 550
//! nodes of the 500-question contract took about 2.5 ms that way, against a tenth of a
//! millisecond here. What the island expects of this markup (ids, `aria-controls`,
//! `data-question`, the dot's classes) is kept in one place: here and in `page::tree_dom`.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute_to_string, encode_text_to_string};

use super::rules::QuestionStatus;
use super::TreeNode;

/// Query parameter of the chosen question.
/// The list under the contract node, which "Replier le contrat" folds.
pub const CONTRACT_LIST: &str = "arbre-contrat";
const LEGAL_ENTITY_LIST: &str = "arbre-ej";

/// The items of the tree's outer list: the contract, its legal entity, then the objectives and
/// their questions, every node open. `selected` is the question marked `aria-current`; the
/// questions' links stay in `earlier_year` when the tree is that of an earlier year.
pub fn tree_items(
    contract_name: &str,
    legal_entity_title: &str,
    objectives: &[TreeNode],
    selected: Option<i32>,
    earlier_year: Option<i32>,
) -> String {
    let shown = Shown { selected, earlier_year };
    // About 400 bytes per question: one allocation for the whole page.
    let mut html = String::with_capacity(1024 + 512 * count_nodes(objectives));
    open_node(&mut html, CONTRACT_LIST, contract_name);
    open_node(&mut html, LEGAL_ENTITY_LIST, &format!("EJ - {legal_entity_title}"));
    for objective in objectives {
        node(&mut html, objective, shown);
    }
    close_node(&mut html);
    close_node(&mut html);
    html
}

fn count_nodes(nodes: &[TreeNode]) -> usize {
    nodes.iter().map(|node| 1 + count_nodes(&node.children)).sum()
}

/// The question marked as chosen, and the earlier year the tree is of, if any.
#[derive(Clone, Copy)]
struct Shown {
    selected: Option<i32>,
    earlier_year: Option<i32>,
}

fn node(html: &mut String, node: &TreeNode, shown: Shown) {
    match node.status {
        Some(status) => question(html, node, status, shown),
        None => {
            open_node(html, &format!("noeud-{}", node.id), &node.title());
            for child in &node.children {
                self::node(html, child, shown);
            }
            close_node(html);
        }
    }
}

/// An inner node: its toggle (a button, so Enter and Space fold it) and the start of its list.
fn open_node(html: &mut String, list_id: &str, title: &str) {
    html.push_str(r#"<li class="tree__node"><button type="button" class="tree__toggle" aria-controls=""#);
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
fn question(html: &mut String, node: &TreeNode, status: QuestionStatus, shown: Shown) {
    let (id, query) = (node.id, crate::routes::question_query_in(node.id, shown.earlier_year));
    let selected = shown.selected == Some(id);
    html.push_str(r#"<li class="tree__leaf"><a class="tree__question" href=""#);
    encode_double_quoted_attribute_to_string(&query, html);
    let _ = write!(html, r#"" data-question="{id}""#);
    if selected {
        html.push_str(r#" aria-current="true""#);
    }
    let _ = write!(
        html,
        r#"><span class="{}" title="{}" aria-hidden="true"></span><span class="fr-sr-only">{}</span>"#,
        status.dot_class(),
        status.label(),
        status.spoken_prefix(),
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
        let html = tree_items("CAQES <script>", "123 - A & B", &sample(), None, None);
        assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
        assert!(html.contains("CAQES &lt;script&gt;"));
        assert!(html.contains("EJ - 123 - A &amp; B"));
        assert!(html.contains("1.1 - Objectif &lt;b&gt;gras&lt;/b&gt; &amp; \"cité\""));
        assert!(html.contains("1.1.a - Taux &lt; 5 %"));
    }

    #[test]
    fn every_list_is_controlled_by_its_toggle_and_open() {
        let html = tree_items("CAQES TEST", "123 - CHU", &sample(), None, None);
        for list in ["arbre-contrat", "arbre-ej", "noeud-7"] {
            assert!(html.contains(&format!(r#"aria-controls="{list}" aria-expanded="true""#)), "{list}");
            assert!(html.contains(&format!(r#"<ul id="{list}">"#)), "{list}");
        }
        assert_eq!(html.matches("<ul").count(), html.matches("</ul>").count());
        assert_eq!(html.matches("<li").count(), html.matches("</li>").count());
    }

    #[test]
    fn questions_link_to_their_panel_with_their_status() {
        let html = tree_items("CAQES TEST", "123 - CHU", &sample(), Some(9), None);
        assert!(html.contains(r##"href="?question=8#question" data-question="8">"##), "not current: {html}");
        assert!(html.contains(r##"href="?question=9#question" data-question="9" aria-current="true">"##));
        assert!(html.contains(r#"<span class="tree__dot tree__dot--red" title="à saisir" aria-hidden="true">"#));
        assert!(html.contains(r#"<span class="fr-sr-only">non modifiable : </span>1.1.b - Saisie nationale</a>"#));
    }

    #[test]
    fn a_value_the_agency_filled_is_shown_beside_its_grey_question() {
        let mut nodes = sample();
        nodes[0].children[1].agency_value = Some("-4,2 <b>".into());
        let html = tree_items("CAQES TEST", "123 - CHU", &nodes, None, None);
        assert!(html.contains("1.1.b - Saisie nationale<span class=\"tree__agency-value\"> — valeur de l'agence : -4,2 &lt;b&gt;</span></a>"), "{html}");
    }

    #[test]
    fn the_questions_of_an_earlier_year_stay_in_that_year() {
        let html = tree_items("CAQES TEST", "123 - CHU", &sample(), None, Some(2021));
        assert!(html.contains(r##"href="?annee=2021&amp;question=8#question" data-question="8">"##), "{html}");
    }
}
