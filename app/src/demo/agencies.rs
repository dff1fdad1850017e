//! The two demo agencies: Auvergne-Rhône-Alpes (the CHU and the performance entity) and
//! Bourgogne-Franche-Comté (ACODEGE), made through the agencies' own checks.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::{ACODEGE_FINESS, CHU_GRENOBLE_FINESS, PERFORMANCE_FINESS};
use crate::agencies::{service, AgencyForm, NewAgency};
use crate::db::entities::legal_entity;

pub const ARA: &str = "ARS Auvergne-Rhône-Alpes";
pub const BFC: &str = "ARS Bourgogne-Franche-Comté";

struct DemoAgency {
    form: fn() -> AgencyForm,
    finesses: &'static [&'static str],
}

const AGENCIES: [DemoAgency; 2] = [
    DemoAgency {
        form: || AgencyForm {
            name: ARA.to_owned(),
            region: "Auvergne-Rhône-Alpes".to_owned(),
            departements: String::new(),
            // The support line the guides show.
            quality_email: "qualite@ars.exemple.fr".to_owned(),
            support_email: "ars-ecars@ars.sante.fr".to_owned(),
            support_phone: "04.72.34.41.26".to_owned(),
            administrator_email: "admin-ara@ars.exemple.fr".to_owned(),
        },
        finesses: &[CHU_GRENOBLE_FINESS, PERFORMANCE_FINESS],
    },
    DemoAgency {
        form: || AgencyForm {
            name: BFC.to_owned(),
            region: "Bourgogne-Franche-Comté".to_owned(),
            departements: "21, 25, 39, 58, 70, 71, 89, 90".to_owned(),
            quality_email: "qualite-bfc@ars.exemple.fr".to_owned(),
            support_email: "ars-bfc-ecars@ars.sante.fr".to_owned(),
            support_phone: "03 80 41 98 98".to_owned(),
            administrator_email: "admin-bfc@ars.exemple.fr".to_owned(),
        },
        finesses: &[ACODEGE_FINESS],
    },
];

/// Creates the agencies not there yet and gives each its demo legal entities.
pub async fn load(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    for demo in &AGENCIES {
        let form = (demo.form)();
        let agency = match service::find_by_name(db, &form.name).await? {
            Some(agency) => agency,
            None => {
                let new = NewAgency::parse(&form).map_err(|reason| DbErr::Custom(format!("demo agency: {reason}")))?;
                service::insert(db, &new).await?
            }
        };
        legal_entity::Entity::update_many()
            .col_expr(legal_entity::Column::AgencyId, Expr::value(agency.id))
            .filter(legal_entity::Column::Finess.is_in(demo.finesses.iter().copied()))
            .filter(legal_entity::Column::AgencyId.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}
