//! An agency starting from an empty database (no demo): the operator adds a national
//! administrator on the command line; from then on everything is done over HTTP, as the browser
//! does it. The national administrator creates the agency, whose administrator loads its FINESS
//! extract and a referential, makes a contract and invites the establishment's user, who logs in
//! from the invitation mail and finds the contract's tree.

use app::accounts::api::{SendCode, SetNewPassword, VerifyCode};
use app::administration::api::ConfirmFinessImport;
use app::agencies::api::CreateAgency;
use app::contracts::api::CreateContracts;
use app::referentials::api::ConfirmReferential;
use std::process::Command;

use crate::helpers::{find_code, spawn_app_with, TestApp, Visitor};

/// The initial password of the last invitation mailed to `email`.
async fn invitation_password(app: &TestApp, email: &str) -> String {
    app.outbox()
        .await
        .into_iter()
        .rev()
        .filter(|message| message.contains(&format!("To: {email}")))
        .find_map(|message| {
            message
                .lines()
                .find_map(|line| line.strip_prefix("Mot de passe provisoire : ").map(|p| p.trim().to_owned()))
        })
        .unwrap_or_else(|| panic!("no invitation mailed to {email}"))
}

/// The first login: the initial password, then the code mailed to renew it, then the new one.
async fn first_login(app: &TestApp, email: &str, new_password: &str) -> Visitor {
    let initial = invitation_password(app, email).await;
    let login = app.login((email, &initial)).await;
    assert!(login.body.contains("premiere=1"), "{email} must renew first: {}", login.body);
    assert_eq!(app.call_fn::<SendCode>(&[("email", email)]).await.status, 200);
    let message = app
        .outbox()
        .await
        .into_iter()
        .rev()
        .find(|message| message.contains(&format!("To: {email}")) && message.contains("code de vérification :"))
        .expect("a code");
    let code = find_code(&message).expect("a code in the message");
    let verified = app.call_fn::<VerifyCode>(&[("email", email), ("code", &code)]).await;
    let renewal = format!("ecars_renouvellement={}", verified.cookie("ecars_renouvellement").expect("renewal cookie"));
    let form = [("password", new_password), ("confirmation", new_password)];
    let done = app.call_fn_with::<SetNewPassword>(&form, Some(&renewal)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    app.login_as((email, new_password)).await
}

#[tokio::test]
async fn an_agency_starts_from_an_empty_database_and_loads_everything_from_the_browser() {
    let app = spawn_app_with(|config| config.demo = false).await;
    let added = Command::new(env!("CARGO_BIN_EXE_ecars"))
        .args(["user", "add", "--email", "national@sante.gouv.fr", "--role", "national-admin"])
        .env("DATABASE_URL", app.config.database.as_str())
        .env("ECARS_DATA_DIR", &app.config.data_dir)
        .env("RUST_LOG", "off")
        .env_remove("ECARS_SMTP_URL")
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let national = first_login(&app, "national@sante.gouv.fr", "National-Sante-2027!").await;
    national.get("/administration/agences").await.assert_shows(&["Aucune agence pour l'instant"]);
    let agency = [
        ("name", "ARS Bourgogne-Franche-Comté"),
        ("region", "Bourgogne-Franche-Comté"),
        ("departements", "21"),
        ("quality_email", "qualite@ars-bfc.fr"),
        ("support_email", "support@ars-bfc.fr"),
        ("support_phone", "03 80 41 98 98"),
        ("administrator_email", "admin@ars-bfc.fr"),
    ];
    national.call_fn::<CreateAgency>(&agency).await.assert_shows(&["est créée"]);

    let admin = first_login(&app, "admin@ars-bfc.fr", "Admin-Bourgogne-2027!").await;
    let entities = "finess;etalab;100;2026-11-30\n\
        structureej;210000111;CENTRE HOSPITALIER DE BEAUNE;;;12;R;DE L'HOPITAL;;;;054;21200 BEAUNE;21;COTE-D'OR;0380000000;13;Etb public;;;;;\n";
    let form = reqwest::multipart::Form::new()
        .text("departements", "21")
        .part("entites", reqwest::multipart::Part::bytes(entities.as_bytes().to_vec()).file_name("entites.csv"));
    let sent = admin.send_file_form("/administration/finess", "/api/administration/finess", form).await;
    let token = sent.location.as_deref().and_then(|to| to.split("apercu=").nth(1)).expect("a preview").to_owned();
    admin.call_fn::<ConfirmFinessImport>(&[("token", &token)]).await.assert_shows(&["Import terminé"]);

    let referential = "Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National\n\
        1;;Pertinence des prescriptions;objectif;;;\n\
        1.a;1;Taux de prescriptions conformes;question;pourcentage;90;non\n";
    let form = reqwest::multipart::Form::new()
        .text("nom", "CAQES Bourgogne")
        .part("fichier", reqwest::multipart::Part::bytes(referential.as_bytes().to_vec()).file_name("caqes.csv"));
    let sent = admin.send_file_form("/administration/referentiels", "/api/administration/referentiels", form).await;
    let token = sent.location.as_deref().and_then(|to| to.split("apercu=").nth(1)).expect("a preview").to_owned();
    admin.call_fn::<ConfirmReferential>(&[("token", &token)]).await.assert_shows(&["version 1"]);

    let contracts = admin.get("/administration/contrats").await;
    contracts.assert_shows(&["CAQES Bourgogne (version 1)", "210000111 - CENTRE HOSPITALIER DE BEAUNE"]);
    let version = {
        use sea_orm::EntityTrait;
        let versions = app::db::entities::referential_version::Entity::find().all(&app.database().await).await.unwrap();
        assert_eq!(versions.len(), 1, "the one version of the new agency");
        versions[0].id.to_string()
    };
    let contract = [
        ("form[kind]", "CAQES"),
        ("form[name]", "CAQES BEAUNE 2027"),
        ("form[code]", "PUBLIC"),
        ("form[status]", "Signé"),
        ("form[agency_contact]", "Claire MARTIN"),
        ("form[evaluation_year]", "2027"),
        ("form[contact_functions]", "DIRECTEUR *"),
        ("form[estimated_signature_date]", ""),
        ("form[effective_date]", "2027-01-01"),
        ("form[prorogation_months]", ""),
        ("form[effective_end_date]", ""),
        ("form[last_prorogation_date]", ""),
        ("form[status_reason]", ""),
        ("form[competence]", ""),
        ("establishments", ""),
        ("version", version.as_str()),
        ("legal_entities[]", "210000111"),
    ];
    admin.call_fn::<CreateContracts>(&contract).await.assert_shows(&["créé pour 1 entité(s) juridique(s)"]);
    let invitation = [("email", "direction@ch-beaune.fr"), ("role", "establishment"), ("legal_entities", "210000111")];
    admin.call_fn::<app::accounts::management_api::InviteUser>(&invitation).await.assert_shows(&["est créé"]);

    let user = first_login(&app, "direction@ch-beaune.fr", "Beaune-Direction-2027!").await;
    user.get("/").await.assert_shows(&["210000111 - CENTRE HOSPITALIER DE BEAUNE"]);
    let entity = user.get("/entites-juridiques/210000111").await;
    entity.assert_shows(&["CAQES BEAUNE 2027"]);
    let contract_id: i32 = entity
        .body
        .split("/contrats/")
        .nth(1)
        .and_then(|rest| rest.split(['"', '/']).next())
        .and_then(|id| id.parse().ok())
        .expect("a link to the contract");
    user.get(&ecars_core::routes::indicators_href(contract_id))
        .await
        .assert_shows(&["1 - Pertinence des prescriptions", "1.a - Taux de prescriptions conformes"]);
    // The footer is the new agency's.
    user.get("/").await.assert_shows(&["support@ars-bfc.fr", "03 80 41 98 98"]);
}
