//! The demo's sample import files: small FINESS extracts of fictitious legal entities and
//! establishments of Bourgogne-Franche-Comté, a CAQES referential, and national values for CAQES
//! TEST. The demo loads the first three through the importers at every start (re-importing changes
//! nothing), and an administrator can download all of them from the import pages to try the imports.

use std::io::{BufRead, Cursor};

use sea_orm::{DatabaseConnection, DbErr};

use crate::administration::finess_import::{apply, plan, ImportingAgency};
use crate::agencies::service::{departements, find_by_name};
use crate::audit::Actor;

const FINESS_ENTITIES: &[u8] = include_bytes!("files/finess-entites-demo.csv");
const FINESS_ESTABLISHMENTS: &[u8] = include_bytes!("files/finess-etablissements-demo.csv");
const REFERENTIAL: &[u8] = include_bytes!("files/referentiel-caqes-demo.csv");
const NATIONAL_VALUES: &[u8] = include_bytes!("files/valeurs-nationales-demo.csv");

/// The content of the sample named `name` (see `administration::DEMO_SAMPLES`).
pub fn sample(name: &str) -> Option<&'static [u8]> {
    match name {
        "finess-entites-demo.csv" => Some(FINESS_ENTITIES),
        "finess-etablissements-demo.csv" => Some(FINESS_ESTABLISHMENTS),
        "referentiel-caqes-demo.csv" => Some(REFERENTIAL),
        "valeurs-nationales-demo.csv" => Some(NATIONAL_VALUES),
        _ => None,
    }
}

/// The referential the demo imports for Auvergne-Rhône-Alpes.
pub const DEMO_REFERENTIAL: &str = "CAQES démonstration";

fn actor() -> Actor {
    Actor { id: None, email: "données de démonstration".to_owned() }
}

/// Imports the FINESS samples for Bourgogne-Franche-Comté and, once, the referential for
/// Auvergne-Rhône-Alpes, through the same importers as the pages.
pub async fn load(db: &DatabaseConnection) -> Result<(), DbErr> {
    let invalid = |what: &str, reason: String| DbErr::Custom(format!("demo {what}: {reason}"));
    if let Some(bfc) = find_by_name(db, super::BFC).await? {
        let files: Vec<(usize, Box<dyn BufRead + Send>)> =
            vec![(1, Box::new(Cursor::new(FINESS_ENTITIES))), (2, Box::new(Cursor::new(FINESS_ESTABLISHMENTS)))];
        let agency = ImportingAgency { id: bfc.id, name: bfc.name.clone() };
        let chosen = departements(&bfc);
        let planned = plan(db, &agency, &chosen, files).await.map_err(|error| invalid("FINESS", error.to_string()))?;
        if planned.refused_count > 0 {
            return Err(invalid("FINESS", format!("{:?}", planned.refused)));
        }
        apply(db, &agency, &chosen, &planned, &actor()).await?;
    }
    if let Some(ara) = find_by_name(db, super::ARA).await? {
        use crate::referentials::{rows, service};
        if service::next_version(db, ecars_core::ids::AgencyId(ara.id), DEMO_REFERENTIAL).await? == 1 {
            let checked = crate::administration::spreadsheet::read(REFERENTIAL)
                .and_then(rows::check)
                .map_err(|reason| invalid("referential", reason))?;
            if !checked.refused.is_empty() {
                return Err(invalid("referential", format!("{:?}", checked.refused)));
            }
            service::write_version(db, ecars_core::ids::AgencyId(ara.id), DEMO_REFERENTIAL, &checked, &actor()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    use super::*;
    use crate::accounts::secrets::PasswordHashing;
    use crate::db::entities::{establishment, journal_entry, legal_entity, referential_version};
    use crate::db::testing::demo_database;

    #[tokio::test]
    async fn the_samples_are_imported_at_start_and_again_change_nothing() {
        let db = demo_database().await;
        let bfc = find_by_name(&db, crate::demo::BFC).await.unwrap().unwrap();
        let tilleuls = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.eq("710000037"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(tilleuls.name, "FONDATION \"LES TILLEULS\" DE SAÔNE-ET-LOIRE", "Windows-1252 and doubled quotes");
        assert_eq!(tilleuls.agency_id, Some(bfc.id));
        assert_eq!(
            establishment::Entity::find()
                .filter(establishment::Column::Finess.eq("250000033"))
                .count(&db)
                .await
                .unwrap(),
            1
        );
        let journal = journal_entry::Entity::find().count(&db).await.unwrap();

        crate::demo::load(&db, &PasswordHashing::new(2)).await.unwrap();
        assert_eq!(
            journal_entry::Entity::find().count(&db).await.unwrap(),
            journal,
            "nothing changed, nothing journaled"
        );
        assert_eq!(referential_version::Entity::find().count(&db).await.unwrap(), 1);
        for (name, _) in crate::administration::DEMO_SAMPLES {
            assert!(sample(name).is_some(), "{name}");
        }
    }
}
