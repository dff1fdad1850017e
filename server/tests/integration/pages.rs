//! The pages of the guides, rendered by the server with the demo data.

use crate::helpers::spawn_app;

#[tokio::test]
async fn home_lists_the_legal_entities_in_a_sortable_table() {
    let app = spawn_app().await.admin().await;
    let page = app.get("/").await;
    page.assert_shows(&[
        "Gestion des Contrats",
        "380780080 - CHU DE GRENOBLE ALPES",
        "38043 GRENOBLE",
        "0476767575",
        "210984078 - ACODEGE",
        "2 R GAGNIEREUX 21014 DIJON",
        "0390288028",
        "Etablissement (EJ)",
        "href=\"/?tri=adresse&amp;ordre=asc\"",
        "Accueil",
        "ars-ecars@ars.sante.fr",
        "04.72.34.41.26",
    ]);
    // The server sorts too, so the table works before (or without) the WASM.
    let by_phone_desc = app.get("/?tri=telephone&ordre=desc").await;
    let chu = by_phone_desc.body.find("380780080 - CHU").unwrap();
    let acodege = by_phone_desc.body.find("210984078 - ACODEGE").unwrap();
    assert!(chu < acodege, "0476767575 should come before 0390288028 in descending order");
    let by_phone_asc = app.get("/?tri=telephone&ordre=asc").await;
    assert!(
        by_phone_asc.body.find("210984078 - ACODEGE").unwrap() < by_phone_asc.body.find("380780080 - CHU").unwrap()
    );
}

#[tokio::test]
async fn the_pages_are_hydratable() {
    let app = spawn_app().await.admin().await;
    let page = app.get("/").await;
    let fonts = format!("{}/fonts/Marianne-Regular.woff2", ecars_core::routes::DSFR_DIR);
    // The islands' script loads ecars.js and its WASM once the browser is idle, without preloads.
    page.assert_shows(&[r#""pkg", "ecars""#, "/pkg/ecars.css", "lang=\"fr\"", &fonts]);
    assert_eq!(page.count("modulepreload") + page.count("application/wasm"), 0);
    // The login page has no island: it loads no script nor WASM of the portal.
    let login = spawn_app().await.get("/connexion").await;
    login.assert_shows(&["Identifiant", "/pkg/ecars.css"]);
    assert_eq!(login.count(r#"<script type="module""#) + login.count(r#""pkg", "ecars""#), 0);
    assert_eq!(page.count("rel=\"stylesheet\""), 1, "the DSFR rules are in the portal's one stylesheet");
}

#[tokio::test]
async fn a_hospital_lists_its_contracts_and_establishments_but_no_cpom() {
    let app = spawn_app().await;
    let chu = app.login_as(crate::helpers::CHU).await;
    let page = chu.get("/entites-juridiques/380780080").await;
    page.assert_shows(&[
        "Raison Sociale",
        "CHU DE GRENOBLE ALPES",
        "Finess Juridique",
        "Liste des contrats",
        "Type de contrat",
        "CAQES TEST",
        "Signé",
        "Auto-Evaluation",
        "Page 1 sur 1",
    ]);
    assert!(!page.body.contains("Liste de mes CPOM"));
    // Its establishments are listed too: the hospital's users reach their documents from there.
    page.assert_shows(&["Liste des établissements", "380000174 - "]);
    let link = page.body.split("href=\"/etablissements/").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
    chu.get(&format!("/etablissements/{link}"))
        .await
        .assert_shows(&["Documents de l'établissement", "Ajouter document"]);
}

#[tokio::test]
async fn a_medico_social_entity_lists_its_cpom_and_seven_establishments() {
    let app = spawn_app().await.admin().await;
    let page = app.get("/entites-juridiques/210984078").await;
    page.assert_shows(&[
        "Liste de mes CPOM",
        "CPOM_ACODEGE_2022 - 2023",
        "15/07/2021",
        "3 Diagnostic",
        "Conjointe",
        "01/01/2022",
        "Liste des établissements",
        r#"210905138 - EAM "VESVROTTES""#,
        "210981106 - ESAT ACODEGE MARSANNAY",
        "322 R DARDELAIN 21160 MARSANNAY LA COTE",
        "Bourgogne-Franche-Comté",
        "Médicosocial",
    ]);
    assert_eq!(page.count("<td>Bourgogne-Franche-Comté</td>"), 7);
}

#[tokio::test]
async fn the_contract_page_shows_every_field_and_the_way_in() {
    let app = spawn_app().await.admin().await;
    let entity = app.get("/entites-juridiques/380780080").await;
    let href = contract_href(&entity.body, "CAQES TEST");
    let page = app.get(&href).await;
    page.assert_shows(&[
        "Auto-Evaluation",
        "CAQES TEST",
        "Code :",
        "PUBLIC",
        "Contact ARS :",
        "Mourad ABED",
        "Type de contrat :",
        "CAQES",
        "Statut :",
        "Signé",
        "Date de signature estimée :",
        "Date d'effet :",
        "Durée de prorogation :",
        "Date fin de contrat effective :",
        "Date de dernière prorogation :",
        "Saisir les indicateurs",
        "Accéder à la liste des contacts administratifs",
        "Accéder à la liste des établissements du contrat",
    ]);
}

#[tokio::test]
async fn the_indicator_tree_shows_every_question_with_its_status_and_the_fill_percentage() {
    let app = spawn_app().await.admin().await;
    let entity = app.get("/entites-juridiques/380780080").await;
    let href = contract_href(&entity.body, "CAQES TEST");
    let page = app.get(&format!("{href}/indicateurs")).await;
    page.assert_shows(&[
        "Pourcentage de remplissage : <strong>0 %</strong>",
        "Replier le contrat",
        "EJ - 380780080 - CHU DE GRENOBLE ALPES",
        "1.1 - Identification du numéro RPPS et du numéro FINESS de l'établissement",
        "1.1.1.a - Taux d'ordonnances de sortie délivrées précisant les numéros FINESS géographique et RPPS",
        "2.1.1.a - Mise en place d'un groupe de travail et élaboration d'un plan d'actions",
        "2.1.1.c - Suivi des actions mises en oeuvre (Echéance, indicateurs)",
        "3.1.1 - Les situations à risques sont identifiées et un plan d'action est élaboré et validé",
    ]);
    let red = page.count("tree__dot--red");
    let grey = page.count("tree__dot--grey");
    assert!(red + grey >= 20, "at least 20 questions expected, found {red} red and {grey} grey");
    assert!(grey >= 1, "national questions are grey");
    assert_eq!(page.count("tree__dot--green"), 0, "nothing is answered in the demo CAQES");
    // Each dot's meaning is also given as text for screen readers.
    assert_eq!(page.count(">à saisir : <"), red);
    assert_eq!(page.count(">non modifiable : <"), grey);
}

#[tokio::test]
async fn the_generated_contract_has_500_questions_half_answered() {
    let app = spawn_app().await.admin().await;
    let entity = app.get("/entites-juridiques/690000880").await;
    let href = contract_href(&entity.body, "CAQES PERFORMANCE 500");
    let page = app.get(&format!("{href}/indicateurs")).await;
    let (red, green, grey) =
        (page.count("tree__dot--red"), page.count("tree__dot--green"), page.count("tree__dot--grey"));
    assert_eq!(red + green + grey, 500);
    // The server computes the percentage with the shared rule: answered / (red + green), rounded down.
    let expected = green * 100 / (red + green);
    page.assert_shows(&[&format!("Pourcentage de remplissage : <strong>{expected} %</strong>")]);
}

#[tokio::test]
async fn contacts_and_establishments_of_the_contract() {
    let app = spawn_app().await.admin().await;
    let entity = app.get("/entites-juridiques/380780080").await;
    let href = contract_href(&entity.body, "CAQES TEST");
    let contacts = app.get(&format!("{href}/contacts")).await;
    contacts.assert_shows(&[
        "Contacts administratifs",
        "Fonction",
        "Obligatoire CAQES",
        "DIRECTEUR",
        "REF. CAQES",
        "REF. CREDIT 1",
        "Retour vers le contrat",
    ]);
    let establishments = app.get(&format!("{href}/etablissements")).await;
    establishments.assert_shows(&["Établissements du contrat", "380000174 - CHU GRENOBLE ALPES - SITE NORD"]);
}

#[tokio::test]
async fn unknown_pages_answer_404_in_french() {
    let app = spawn_app().await.admin().await;
    for path in ["/nimporte-quoi", "/contrats/999999", "/contrats/abc/indicateurs", "/entites-juridiques/000000000"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("La page demandée n'existe pas"), "{path}: {}", page.body);
    }
}

#[tokio::test]
async fn demo_data_is_loaded_once_across_restarts() {
    let app = spawn_app().await;
    let restarted = app.restart().await.admin().await;
    let home = restarted.get("/").await;
    assert_eq!(home.count(">380780080 - CHU DE GRENOBLE ALPES</a>"), 1);
    let entity = restarted.get("/entites-juridiques/210984078").await;
    assert_eq!(entity.count("<td>Bourgogne-Franche-Comté</td>"), 7);
}

/// The address of a contract linked from a legal entity page.
fn contract_href(body: &str, name: &str) -> String {
    let link_end = body.find(&format!(">{name}</a>")).unwrap_or_else(|| panic!("no link to {name}"));
    let start = body[..link_end].rfind("href=\"").unwrap() + "href=\"".len();
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}
