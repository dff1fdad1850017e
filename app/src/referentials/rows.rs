//! The rows of a referential file checked into a tree: each row alone (code, kind, value kind,
//! target), then together (duplicate codes, unknown parents, loops). Plain Rust, so the rules are
//! the same wherever they run; the reading of the file itself is in `file.rs`.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use ecars_core::evaluation::appraisal::{Direction, Weight};
use ecars_core::evaluation::values::parse_achieved;
use ecars_core::text::folded;
use ecars_core::vocabulary::ValueKind;

use super::{CheckedNode, CheckedReferential, RefusedRow, RowKind, COLUMNS, REQUIRED_COLUMNS};

/// More rows than this refuse the whole file (the largest contract has about 500 questions).
pub const MAX_ROWS: usize = 5000;
/// Levels of a tree at most, its top-level objectives being level 1; deeper nodes are refused.
pub const MAX_DEPTH: usize = 12;
/// Codes of a loop shown in its refusal at most; longer loops end with "… → a (n codes)".
const MAX_LOOP_CODES_SHOWN: usize = 6;
const MAX_CODE_CHARS: usize = 30;
const MAX_LABEL_CHARS: usize = 2000;
const MAX_TARGET_CHARS: usize = 200;

pub fn parse_value_kind(text: &str) -> Option<ValueKind> {
    match folded(text).replace(' ', "").as_str() {
        "oui/non" | "ouinon" => Some(ValueKind::YesNo),
        "pourcentage" | "%" => Some(ValueKind::Percentage),
        "nombre" => Some(ValueKind::Number),
        "texte" => Some(ValueKind::Text),
        _ => None,
    }
}

pub fn value_kind_label(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::YesNo => "Oui/Non",
        ValueKind::Percentage => "pourcentage",
        ValueKind::Number => "nombre",
        ValueKind::Text => "texte",
    }
}

/// The rows of a file (number from 1, cells as text), its first row the column titles.
pub fn check(rows: Vec<(u64, Vec<String>)>) -> Result<CheckedReferential, String> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()));
    let headers_expected: Vec<String> = COLUMNS.iter().map(|column| folded(column.title)).collect();
    let titles = || COLUMNS.iter().map(|column| column.title).collect::<Vec<_>>().join(" ; ");
    let Some((_, headers)) = rows.next() else {
        return Err("Le fichier est vide : partez du modèle (« Télécharger le modèle »).".to_owned());
    };
    let headers: Vec<String> = headers.iter().map(|cell| folded(cell)).filter(|cell| !cell.is_empty()).collect();
    if headers.len() < REQUIRED_COLUMNS || !headers_expected.starts_with(&headers) {
        return Err(format!(
            "La première ligne n'est pas celle des titres du modèle ({}) : le fichier n'est pas un référentiel.",
            titles()
        ));
    }
    let rows: Vec<(u64, Vec<String>)> = rows.collect();
    if rows.is_empty() {
        return Err("Le fichier ne contient aucune ligne après les titres.".to_owned());
    }
    if rows.len() > MAX_ROWS {
        return Err(format!("Le fichier compte {} lignes : {MAX_ROWS} au plus.", rows.len()));
    }

    let mut refused: Vec<RefusedRow> = Vec::new();
    let mut refuse = |row: u64, reason: String| refused.push(RefusedRow { row, reason });
    // Row by row, then duplicate codes: the first one is kept.
    let mut nodes: Vec<CheckedNode> = Vec::new();
    let mut first_row: HashMap<String, u64> = HashMap::new();
    let mut refused_codes: HashSet<String> = HashSet::new();
    for (row, cells) in rows {
        match parse_row(row, &cells) {
            Err(reason) => {
                if let Some(code) = cells.first().map(|code| code.trim()).filter(|code| !code.is_empty()) {
                    refused_codes.insert(code.to_owned());
                }
                refuse(row, reason);
            }
            Ok(node) => match first_row.get(&node.code) {
                Some(first) => refuse(row, format!("le code {} est déjà celui de la ligne {first}", node.code)),
                None => {
                    first_row.insert(node.code.clone(), row);
                    nodes.push(node);
                }
            },
        }
    }

    // Each parent must be a known objective; a question always has one.
    let kinds: HashMap<String, RowKind> = nodes.iter().map(|node| (node.code.clone(), node.kind)).collect();
    let mut kept: Vec<CheckedNode> = Vec::new();
    for node in nodes {
        let problem = match (&node.parent, node.kind) {
            (None, RowKind::Question) => {
                Some("une question dépend d'un objectif : indiquez son code parent".to_owned())
            }
            (None, RowKind::Objective) => None,
            (Some(parent), _) if parent == &node.code => Some(format!("le code {parent} est son propre parent")),
            (Some(parent), _) => match kinds.get(parent) {
                Some(RowKind::Objective) => None,
                Some(RowKind::Question) => {
                    Some(format!("le parent {parent} est une question : seul un objectif a des enfants"))
                }
                None if refused_codes.contains(parent) => Some(format!("son parent {parent} est refusé")),
                None => Some(format!("code parent {parent} inconnu")),
            },
        };
        match problem {
            Some(reason) => {
                refused_codes.insert(node.code.clone());
                refuse(node.row, reason);
            }
            None => kept.push(node),
        }
    }

    // What is not reachable from a top-level objective is under a refused node or in a loop; what
    // is reached deeper than MAX_DEPTH levels is refused, and so are its descendants.
    let mut children: HashMap<Option<&str>, Vec<&CheckedNode>> = HashMap::new();
    for node in &kept {
        children.entry(node.parent.as_deref()).or_default().push(node);
    }
    let mut ordered: Vec<CheckedNode> = Vec::with_capacity(kept.len());
    let mut too_deep: HashSet<&str> = HashSet::new();
    // Iterative, so a deep file cannot exhaust the stack.
    let mut stack: Vec<(&CheckedNode, usize)> =
        children.get(&None).into_iter().flatten().rev().map(|node| (*node, 0)).collect();
    while let Some((node, depth)) = stack.pop() {
        if depth >= MAX_DEPTH {
            too_deep.insert(node.code.as_str());
            refuse(
                node.row,
                format!(
                    "le nœud serait au niveau {} : {MAX_DEPTH} niveaux au plus, l'objectif de premier niveau étant le niveau 1",
                    depth + 1
                ),
            );
            continue;
        }
        let mut placed = node.clone();
        placed.depth = depth;
        ordered.push(placed);
        for child in children.get(&Some(node.code.as_str())).into_iter().flatten().rev() {
            stack.push((child, depth + 1));
        }
    }
    let reached: HashSet<&str> = ordered.iter().map(|node| node.code.as_str()).collect();
    let unreached: Vec<&CheckedNode> = kept
        .iter()
        .filter(|node| !reached.contains(node.code.as_str()) && !too_deep.contains(node.code.as_str()))
        .collect();
    for (row, reason) in unreached_reasons(&unreached) {
        refuse(row, reason);
    }
    refused.sort_by_key(|refused| refused.row);
    if ordered.is_empty() {
        return Err(format!(
            "Aucune ligne n'a pu être prise ({} refusée(s)) ; la première : ligne {}, {}.",
            refused.len(),
            refused.first().map(|refused| refused.row).unwrap_or_default(),
            refused.first().map(|refused| refused.reason.as_str()).unwrap_or_default()
        ));
    }
    Ok(CheckedReferential { nodes: ordered, refused })
}

/// A code kept plainly: ASCII letters, digits, '.', '-', '_', starting with a letter or a digit
/// and never holding "..", so it is also a safe folder name (the zip of a contract's documents).
pub fn code_is_valid(code: &str) -> bool {
    code.chars().count() <= MAX_CODE_CHARS
        && code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !code.contains("..")
}

/// "boucle entre les codes a → b → c → a" for `cycle` (each code's parent the next, the last's
/// the first), from `start`; past MAX_LOOP_CODES_SHOWN codes, "a → … → a (n codes)".
fn loop_message(cycle: &[&str], start: usize) -> String {
    let shown: Vec<&str> =
        (0..cycle.len().min(MAX_LOOP_CODES_SHOWN)).map(|step| cycle[(start + step) % cycle.len()]).collect();
    let closing = cycle[start];
    if cycle.len() <= MAX_LOOP_CODES_SHOWN {
        format!("boucle entre les codes {} → {closing}", shown.join(" → "))
    } else {
        format!(
            "boucle entre les codes {} → … → {closing} ({} codes)",
            shown.join(" → "),
            ecars_core::text::thousands(cycle.len() as u64)
        )
    }
}

/// Why an unreached node is: in a loop or leading into one (the loop's message), or under a
/// refused node.
#[derive(Clone)]
enum Verdict {
    Loop(Rc<str>),
    UnderRefused,
}

/// The reason of each node not reached from a top-level objective (nor refused as too deep), in
/// linear time: each walk up the parents stops at a node already judged, a refused parent or a
/// node of its own path (a loop), and every node it went through is judged once.
fn unreached_reasons(nodes: &[&CheckedNode]) -> Vec<(u64, String)> {
    let by_code: HashMap<&str, &CheckedNode> = nodes.iter().map(|node| (node.code.as_str(), *node)).collect();
    let mut judged: HashMap<&str, Verdict> = HashMap::with_capacity(nodes.len());
    let mut reasons: Vec<(u64, String)> = Vec::with_capacity(nodes.len());
    let reason = |node: &CheckedNode, verdict: &Verdict| match (verdict, node.parent.as_deref()) {
        (Verdict::Loop(message), _) => message.to_string(),
        (Verdict::UnderRefused, Some(parent)) => format!("son parent {parent} est refusé"),
        (Verdict::UnderRefused, None) => "son parent est refusé".to_owned(),
    };
    for node in nodes {
        if judged.contains_key(node.code.as_str()) {
            continue;
        }
        // Up the parents, each node of this walk at its index in `path`.
        let mut path: Vec<&CheckedNode> = Vec::new();
        let mut on_path: HashMap<&str, usize> = HashMap::new();
        let mut current: &CheckedNode = node;
        // The nodes of `path` before `end` take `above`, the verdict of the last one's parent.
        let (end, above) = loop {
            on_path.insert(current.code.as_str(), path.len());
            path.push(current);
            let next = current
                .parent
                .as_deref()
                .map(|parent| (parent, judged.get(parent).cloned(), by_code.get(parent).copied()));
            match next {
                // A parent refused, or none (only a reached top-level objective has none).
                None | Some((_, None, None)) => break (path.len(), Verdict::UnderRefused),
                Some((_, Some(verdict), _)) => break (path.len(), verdict),
                Some((parent, None, Some(next))) => match on_path.get(parent) {
                    Some(&start) => {
                        let cycle: Vec<&str> = path[start..].iter().map(|node| node.code.as_str()).collect();
                        for (offset, code) in cycle.iter().enumerate() {
                            let verdict = Verdict::Loop(Rc::from(loop_message(&cycle, offset)));
                            reasons.push((path[start + offset].row, reason(path[start + offset], &verdict)));
                            judged.insert(code, verdict);
                        }
                        // Leading into the loop: the loop as seen from where they enter it.
                        break (start, judged.get(parent).cloned().unwrap_or(Verdict::UnderRefused));
                    }
                    None => current = next,
                },
            }
        };
        for walked in path[..end].iter().rev() {
            let verdict = match &above {
                Verdict::Loop(message) => Verdict::Loop(Rc::clone(message)),
                Verdict::UnderRefused => Verdict::UnderRefused,
            };
            reasons.push((walked.row, reason(walked, &verdict)));
            judged.insert(walked.code.as_str(), verdict);
        }
    }
    reasons
}

fn cell(cells: &[String], index: usize) -> &str {
    cells.get(index).map(|cell| cell.trim()).unwrap_or_default()
}

/// One row alone.
fn parse_row(row: u64, cells: &[String]) -> Result<CheckedNode, String> {
    if cells.len() > COLUMNS.len() && cells[COLUMNS.len()..].iter().any(|cell| !cell.trim().is_empty()) {
        return Err(format!("{} colonnes remplies au lieu de {} au plus", cells.len(), COLUMNS.len()));
    }
    let code = cell(cells, 0);
    if code.is_empty() {
        return Err("le code est vide".to_owned());
    }
    if !code_is_valid(code) {
        let shown: String = code.chars().take(MAX_CODE_CHARS).collect();
        return Err(format!(
            "le code « {shown} » n'est pas valide : {MAX_CODE_CHARS} caractères au plus, lettres, chiffres, points, tirets, \
             commençant par une lettre ou un chiffre, sans « .. »"
        ));
    }
    let parent = Some(cell(cells, 1)).filter(|parent| !parent.is_empty()).map(str::to_owned);
    let label = cell(cells, 2);
    if label.is_empty() {
        return Err("le libellé est vide".to_owned());
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(format!("le libellé dépasse {MAX_LABEL_CHARS} caractères"));
    }
    let kind = match folded(cell(cells, 3)).as_str() {
        "objectif" => RowKind::Objective,
        "question" => RowKind::Question,
        "" => return Err("le type de nœud est vide : objectif ou question".to_owned()),
        _ => {
            let shown: String = cell(cells, 3).chars().take(30).collect();
            return Err(format!("type de nœud « {shown} » inconnu : objectif ou question"));
        }
    };
    let value_text = cell(cells, 4);
    let target_text = cell(cells, 5);
    let national = match folded(cell(cells, 6)).as_str() {
        "oui" | "o" | "x" | "1" | "vrai" => true,
        "non" | "n" | "0" | "faux" | "" => false,
        _ => return Err("National vaut oui ou non".to_owned()),
    };
    let direction_text = cell(cells, 7);
    let weight_text = cell(cells, 8);
    let (value_kind, target) = match kind {
        RowKind::Objective => {
            if !value_text.is_empty() || !target_text.is_empty() || national {
                return Err("un objectif n'a ni type de valeur, ni cible, ni caractère national".to_owned());
            }
            if !direction_text.is_empty() || !weight_text.is_empty() {
                return Err("un objectif n'a ni sens ni poids : ils sont ceux de ses questions".to_owned());
            }
            (None, None)
        }
        RowKind::Question => {
            let value_kind = parse_value_kind(value_text).ok_or_else(|| {
                let shown: String = value_text.chars().take(30).collect();
                format!("type de valeur « {shown} » inconnu : Oui/Non, pourcentage, nombre ou texte")
            })?;
            let target = match target_text {
                "" => None,
                text if text.chars().count() > MAX_TARGET_CHARS => {
                    return Err(format!("la cible dépasse {MAX_TARGET_CHARS} caractères"))
                }
                text => Some(parse_achieved(value_kind, text).map_err(|reason| format!("cible refusée : {reason}"))?),
            };
            (Some(value_kind), target)
        }
    };
    let direction = Direction::parse(direction_text)?;
    let weight = Weight::parse(weight_text)?;
    Ok(CheckedNode {
        row,
        code: code.to_owned(),
        parent,
        label: label.to_owned(),
        kind,
        value_kind,
        target,
        national,
        direction,
        weight,
        depth: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<(u64, Vec<String>)> {
        let mut all = vec!["Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National"];
        all.extend_from_slice(lines);
        all.iter()
            .enumerate()
            .map(|(index, line)| (index as u64 + 1, line.split(';').map(String::from).collect()))
            .collect()
    }

    #[test]
    fn a_good_file_gives_its_tree_depth_first_in_file_order() {
        let checked = check(rows(&[
            "2;;Deuxième objectif;objectif;;;",
            "1;;Premier objectif;Objectif;;;",
            "1.1;1;Sous-objectif;objectif;;;",
            "1.1.a;1.1;Taux de conformité;question;pourcentage;80;non",
            "2.a;2;Démarche qualité engagée;Question;Oui/Non;oui;",
            "1.1.b;1.1;Valeur nationale;question;nombre;;oui",
        ]))
        .unwrap();
        let codes: Vec<(&str, usize)> = checked.nodes.iter().map(|node| (node.code.as_str(), node.depth)).collect();
        assert_eq!(codes, [("2", 0), ("2.a", 1), ("1", 0), ("1.1", 1), ("1.1.a", 2), ("1.1.b", 2)]);
        assert!(checked.refused.is_empty());
        let national = &checked.nodes[5];
        assert!(national.national && national.value_kind == Some(ValueKind::Number));
        assert_eq!(checked.nodes[1].target.as_deref(), Some("Oui"));
        assert!(
            checked
                .nodes
                .iter()
                .all(|node| node.direction == Direction::HigherIsBetter && node.weight == Weight::default()),
            "a file without \"Sens\" nor \"Poids\" keeps the defaults"
        );
    }

    #[test]
    fn direction_and_weight_are_optional_columns_of_questions() {
        let header = "Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National;Sens;Poids";
        let lines = [
            header,
            "1;;Objectif;objectif;;;;;",
            "1.a;1;Réhospitalisations;question;pourcentage;10;;Plus bas est mieux;2,5",
            "1.b;1;Conformité;question;pourcentage;80;;;",
            "1.c;1;Poids nul;question;nombre;;;;0",
            "1.d;1;Sens inconnu;question;nombre;;;descendant;",
            "2;;Objectif pesé;objectif;;;;;2",
        ];
        let numbered = |lines: &[&str]| -> Vec<(u64, Vec<String>)> {
            lines
                .iter()
                .enumerate()
                .map(|(n, line)| (n as u64 + 1, line.split(';').map(String::from).collect()))
                .collect()
        };
        let checked = check(numbered(&lines)).unwrap();
        let by_code = |code: &str| checked.nodes.iter().find(|node| node.code == code).unwrap();
        assert_eq!(by_code("1.a").direction, Direction::LowerIsBetter);
        assert_eq!(by_code("1.a").weight.to_string(), "2,5");
        assert_eq!((by_code("1.b").direction, by_code("1.b").weight), (Direction::HigherIsBetter, Weight::default()));
        let reasons: Vec<(u64, &str)> =
            checked.refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        assert!(
            reasons.iter().any(|(row, reason)| *row == 5 && reason.contains("poids « 0 » invalide")),
            "{reasons:?}"
        );
        assert!(reasons.iter().any(|(row, reason)| *row == 6 && reason.contains("sens « descendant » inconnu")));
        assert!(reasons.iter().any(|(row, reason)| *row == 7 && reason.contains("un objectif n'a ni sens ni poids")));
        // "Sens" alone, after the columns of older files, is a referential too; a column
        // that is not the model's is not.
        assert!(check(numbered(&[&header[..header.len() - ";Poids".len()], "1;;Objectif;objectif;;;;"])).is_ok());
        assert!(
            check(numbered(&["Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National;Poids"])).is_err()
        );
    }

    #[test]
    fn every_bad_row_is_refused_with_its_number_and_reason() {
        let checked = check(rows(&[
            "1;;Objectif;objectif;;;",
            "1.a;1;Question;question;texte;;",
            "1.a;1;Doublon;question;texte;;",
            "1.b;9;Parent inconnu;question;texte;;",
            "1.c;1.a;Sous une question;question;texte;;",
            "1.d;1;Type inconnu;indicateur;;;",
            "1.e;1;Valeur inconnue;question;date;;",
            "A;B;Boucle A;objectif;;;",
            "B;A;Boucle B;objectif;;;",
            "B.a;B;Sous la boucle;question;texte;;",
            "1.f;;Question sans parent;question;texte;;",
            "1.g;1;Cible hors bornes;question;pourcentage;120;",
            "=SOMME(A1);1;Formule;question;texte;;",
            "1.h;1.d;Parent refusé;question;texte;;",
        ]))
        .unwrap();
        let reasons: Vec<(u64, &str)> =
            checked.refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        let has = |row: u64, text: &str| reasons.iter().any(|(at, reason)| *at == row && reason.contains(text));
        assert!(has(4, "déjà celui de la ligne 3"), "{reasons:?}");
        assert!(has(5, "code parent 9 inconnu"));
        assert!(has(6, "le parent 1.a est une question"));
        assert!(has(7, "type de nœud « indicateur » inconnu"));
        assert!(has(8, "type de valeur « date » inconnu"));
        assert!(has(9, "boucle entre les codes"));
        assert!(has(10, "boucle entre les codes"));
        assert!(has(11, "boucle entre les codes"));
        assert!(has(12, "dépend d'un objectif"));
        assert!(has(13, "cible refusée"));
        assert!(has(14, "n'est pas valide"));
        assert!(has(15, "son parent 1.d est refusé"));
        assert_eq!(checked.refused.len(), 12);
        assert_eq!(checked.nodes.len(), 2);
    }

    #[test]
    fn a_file_that_is_not_a_referential_is_refused_whole() {
        assert!(check(vec![]).unwrap_err().contains("vide"));
        let other = vec![(1, vec!["finess".to_owned(), "etalab".to_owned()])];
        assert!(check(other).unwrap_err().contains("n'est pas un référentiel"));
        assert!(check(rows(&[])).unwrap_err().contains("aucune ligne après les titres"));
        assert!(check(rows(&["1.a;;Question;question;texte;;"]))
            .unwrap_err()
            .contains("Aucune ligne n'a pu être prise"));
        let many: Vec<String> = (0..=MAX_ROWS).map(|n| format!("{n};;Objectif {n};objectif;;;")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(check(rows(&many)).unwrap_err().contains("au plus"));
    }

    #[test]
    fn loops_are_named_from_where_they_are_entered_and_refusals_name_the_parent() {
        let checked = check(rows(&[
            "1;;Objectif;objectif;;;",
            "X;A;Mène à la boucle;objectif;;;",
            "A;B;Boucle A;objectif;;;",
            "B;C;Boucle B;objectif;;;",
            "C;A;Boucle C;objectif;;;",
            "Y;X;Mène plus loin;question;texte;;",
            "P;Q;Sous un refusé;objectif;;;",
            "Q;R;Parent refusé;objectif;;;",
            "R;;Refusé;objectif;;oui",
        ]))
        .unwrap();
        let reasons: Vec<(u64, &str)> =
            checked.refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        assert_eq!(
            reasons,
            [
                (3, "boucle entre les codes A → B → C → A"),
                (4, "boucle entre les codes A → B → C → A"),
                (5, "boucle entre les codes B → C → A → B"),
                (6, "boucle entre les codes C → A → B → C"),
                (7, "boucle entre les codes A → B → C → A"),
                (8, "son parent Q est refusé"),
                (9, "son parent R est refusé"),
                (10, "un objectif n'a ni type de valeur, ni cible, ni caractère national"),
            ]
        );
        assert_eq!(checked.nodes.len(), 1);
    }

    #[test]
    fn a_ring_of_3000_objectives_is_refused_row_by_row_with_a_short_message() {
        // Each objective the parent of the next, the last the parent of the first: with the old
        // walk this took close to a minute.
        let count = 3000;
        let mut lines = vec!["R;;Racine;objectif;;;".to_owned()];
        lines.extend(
            (1..=count).map(|n| format!("{n};{};Objectif {n};objectif;;;", if n == 1 { count } else { n - 1 })),
        );
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let checked = check(rows(&lines)).unwrap();
        assert_eq!(checked.nodes.len(), 1);
        assert_eq!(checked.refused.len(), count);
        assert_eq!(
            checked.refused[0].reason,
            "boucle entre les codes 1 → 3000 → 2999 → 2998 → 2997 → 2996 → … → 1 (3\u{202f}000 codes)"
        );
        assert_eq!(
            checked.refused[1].reason,
            "boucle entre les codes 2 → 1 → 3000 → 2999 → 2998 → 2997 → … → 2 (3\u{202f}000 codes)"
        );
        assert!(checked.refused.iter().all(|refused| refused.reason.chars().count() < 120));
    }

    #[test]
    fn a_tree_deeper_than_12_levels_refuses_the_13th_level_and_below() {
        let mut lines: Vec<String> = (1..=14)
            .map(|level| {
                let parent = if level == 1 { String::new() } else { format!("N{}", level - 1) };
                format!("N{level};{parent};Niveau {level};objectif;;;")
            })
            .collect();
        lines.push("N12.a;N12;Question au niveau 13;question;texte;;".to_owned());
        lines.push("N11.a;N11;Question au niveau 12;question;texte;;".to_owned());
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let checked = check(rows(&lines)).unwrap();
        let kept: Vec<(&str, usize)> = checked.nodes.iter().map(|node| (node.code.as_str(), node.depth)).collect();
        assert_eq!(kept.len(), MAX_DEPTH + 1, "{kept:?}");
        assert!(kept.contains(&("N12", MAX_DEPTH - 1)) && kept.contains(&("N11.a", MAX_DEPTH - 1)));
        let reasons: Vec<(u64, &str)> =
            checked.refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert_eq!(reasons[0].0, 14);
        assert!(reasons[0].1.contains("niveau 13 : 12 niveaux au plus"), "{reasons:?}");
        assert_eq!(reasons[1], (15, "son parent N13 est refusé"));
        assert_eq!(reasons[2].0, 16);
        assert!(reasons[2].1.contains("niveau 13"));
    }

    #[test]
    fn a_chain_of_10000_objectives_is_refused_whole() {
        let lines: Vec<String> = (1..=10_000)
            .map(|n| {
                let parent = if n == 1 { String::new() } else { (n - 1).to_string() };
                format!("{n};{parent};Objectif {n};objectif;;;")
            })
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let refusal = check(rows(&lines)).unwrap_err();
        assert!(refusal.contains("10000 lignes") && refusal.contains("au plus"), "{refusal}");
    }

    #[test]
    fn codes_are_plain_names_that_cannot_climb_out_of_a_folder() {
        let checked = check(rows(&[
            "1;;Objectif;objectif;;;",
            "..;1;Remonte;question;texte;;",
            ".a;1;Caché;question;texte;;",
            "a..b;1;Double point;question;texte;;",
            "_a;1;Tiret bas;question;texte;;",
            "1.a;1;Simple;question;texte;;",
            "A-2_b;1;Tirets;question;texte;;",
        ]))
        .unwrap();
        let refused: Vec<(u64, &str)> =
            checked.refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        assert_eq!(refused.len(), 4, "{refused:?}");
        assert!(refused[0].1.starts_with("le code « .. » n'est pas valide"), "{refused:?}");
        assert!(refused.iter().all(|(_, reason)| reason.contains("n'est pas valide")));
        let codes: Vec<&str> = checked.nodes.iter().map(|node| node.code.as_str()).collect();
        assert_eq!(codes, ["1", "1.a", "A-2_b"]);
        assert!(code_is_valid("1.1.1.a") && code_is_valid("a.b-c_d") && code_is_valid("Z"));
        for bad in ["", ".", "..", ".a", "a..b", "-a", "a/b", "a\\b", "é", &"a".repeat(MAX_CODE_CHARS + 1)] {
            assert!(!code_is_valid(bad), "{bad}");
        }
    }
}
