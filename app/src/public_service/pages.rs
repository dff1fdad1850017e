//! The four pages of the footer's bottom line. They need no login and no script: plain HTML
//! written on the server from the operator's configuration.

use ecars_core::routes;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{operator, ACCESSIBILITY_DECLARED_ON, ACCESSIBILITY_STATE};
use crate::layout::Breadcrumb;

/// The portal's name in every text.
const PORTAL: &str = "Extranet e-CARS";

#[component]
fn PageTop(title: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <Breadcrumb crumbs=vec![(title.to_owned(), None)]/>
        <h1>{title}</h1>
    }
}

/// A `mailto:` link.
#[component]
fn Mail(address: String) -> impl IntoView {
    view! { <a href=format!("mailto:{address}")>{address.clone()}</a> }
}

/// "Déclaration d'accessibilité", after the RGAA 4.1 model.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let operator = operator();
    view! {
        <PageTop title="Déclaration d'accessibilité"/>
        <p>{format!("Établie le {ACCESSIBILITY_DECLARED_ON}.")}</p>
        <p>
            {format!(
                "{} s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de la loi \
                 n° 2005-102 du 11 février 2005. Cette déclaration d'accessibilité s'applique à l'{PORTAL} ({}).",
                operator.name, "gestion électronique des contrats des ARS"
            )}
        </p>

        <h2>"État de conformité"</h2>
        <p>
            <strong>{format!("L'{PORTAL} est {ACCESSIBILITY_STATE} avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1")}</strong>
            ", en raison des non-conformités et des dérogations énumérées ci-dessous."
        </p>

        <h2>"Résultats des tests"</h2>
        <p>
            "Aucun audit complet par un organisme externe n'a encore été réalisé. L'évaluation interne porte sur chaque \
             page du portail : analyse automatique (axe-core) sans défaut sérieux ni critique, parcours complets au \
             clavier seul (connexion, saisie des indicateurs, contacts, documents, clôture), lecture par les lecteurs \
             d'écran des états des questions, des graphiques (chaque graphique est doublé d'un tableau de ses valeurs) \
             et des messages d'erreur."
        </p>

        <h2>"Contenus non accessibles"</h2>
        <h3>"Non-conformités"</h3>
        <ul>
            <li>
                "Critère 8.2 (code source valide) : certaines pages contiennent encore des marqueurs techniques que le \
                 validateur HTML du W3C signale comme erreurs."
            </li>
        </ul>
        <h3>"Dérogations pour charge disproportionnée"</h3>
        <p>"Aucune."</p>
        <h3>"Contenus non soumis à l'obligation d'accessibilité"</h3>
        <p>
            "Les documents déposés par les établissements et les agences (rapports, pièces justificatives en PDF ou en \
             bureautique) : ils sont produits hors du portail, qui les conserve tels qu'ils ont été déposés."
        </p>

        <h2>"Établissement de cette déclaration d'accessibilité"</h2>
        <h3>"Technologies utilisées pour la réalisation du site"</h3>
        <ul><li>"HTML5"</li><li>"CSS (Système de design de l'État)"</li><li>"WebAssembly et JavaScript"</li><li>"SVG"</li></ul>
        <h3>"Environnement de test"</h3>
        <p>"Chromium (version de Debian) avec axe-core, au clavier ; pages servies par le portail lui-même, connecté avec chacun des rôles."</p>
        <h3>"Pages du site ayant fait l'objet de la vérification de conformité"</h3>
        <ul>
            <li>"Connexion et renouvellement du mot de passe"</li>
            <li>"Gestion des Contrats (accueil), entité juridique, établissement"</li>
            <li>"Contrat, indicateurs et panneau d'une question, contacts, clôture et accusé de clôture"</li>
            <li>"Suivi de la campagne et ses graphiques, version imprimable d'une évaluation"</li>
            <li>"Mon compte et pages d'administration"</li>
        </ul>

        <h2>"Retour d'information et contact"</h2>
        <p>
            "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter le support de l'"
            {PORTAL} " pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme : "
            <Mail address=operator.support_email.clone()/> ", ou par téléphone au "
            <a href=crate::agencies::tel_href(&operator.support_phone)>{operator.support_phone.clone()}</a> "."
        </p>

        <h2>"Voies de recours"</h2>
        <p>
            "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité \
             du site, que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre part, vous \
             êtes en droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des droits. \
             Plusieurs moyens sont à votre disposition :"
        </p>
        <ul>
            <li>
                "écrire un message au Défenseur des droits : "
                <a href="https://formulaire.defenseurdesdroits.fr/">"formulaire en ligne du Défenseur des droits"</a>
            </li>
            <li>
                "contacter le délégué du Défenseur des droits dans votre région : "
                <a href="https://www.defenseurdesdroits.fr/saisir/delegues">"liste des délégués"</a>
            </li>
            <li>"appeler le 09 69 39 00 00"</li>
            <li>"envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07"</li>
        </ul>
    }
}

/// "Mentions légales".
#[component]
pub fn LegalNoticePage() -> impl IntoView {
    let operator = operator();
    view! {
        <PageTop title="Mentions légales"/>
        <h2>"Éditeur"</h2>
        <p>{format!("L'{PORTAL} est édité par : {}, {}.", operator.name, operator.address)}</p>
        <h2>"Directeur de la publication"</h2>
        <p>{operator.publication_director.clone()}</p>
        <h2>"Hébergement"</h2>
        <p>{operator.host.clone()}</p>
        <h2>"Objet du portail"</h2>
        <p>
            "Le portail sert à la gestion des contrats entre l'agence régionale de santé et les établissements \
             sanitaires et médico-sociaux qu'elle finance (CAQES, CPOM) : auto-évaluation annuelle, pièces \
             justificatives, contacts administratifs, suivi des campagnes. Il est réservé aux personnes à qui un \
             compte a été ouvert."
        </p>
        <h2>"Accessibilité"</h2>
        <p>
            {format!("L'{PORTAL} est {ACCESSIBILITY_STATE} avec le RGAA 4.1. ")}
            <a href=routes::ACCESSIBILITY_PATH>"Déclaration d'accessibilité"</a>
        </p>
        <h2>"Nous contacter"</h2>
        <p>
            "Support : " <Mail address=operator.support_email.clone()/> ", "
            <a href=crate::agencies::tel_href(&operator.support_phone)>{operator.support_phone.clone()}</a>
            ". Questions d'ordre métier : " <Mail address=operator.quality_email.clone()/> "."
        </p>
    }
}

/// "Données personnelles".
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let operator = operator();
    view! {
        <PageTop title="Données personnelles"/>
        <h2>"Responsable du traitement"</h2>
        <p>{format!("{}, {}.", operator.name, operator.address)}</p>
        <h2>"Finalités et base légale"</h2>
        <p>
            "Le portail traite des données personnelles pour gérer les contrats de l'agence avec les établissements \
             (CAQES, CPOM) : ouvrir et sécuriser les comptes, recueillir l'auto-évaluation et ses pièces, tenir à jour \
             les contacts administratifs, suivre et exporter les campagnes, envoyer les courriels du service. Ce \
             traitement relève de la mission d'intérêt public de l'agence (article 6.1.e du règlement général sur la \
             protection des données)."
        </p>
        <h2>"Données traitées"</h2>
        <ul>
            <li>"Comptes : adresse électronique (identifiant), rôle, entités rattachées ou suivies, dates de connexion."</li>
            <li>"Contacts administratifs des contrats : nom, prénom, fonction, adresse électronique, téléphone."</li>
            <li>"Auteur et date de chaque réponse, document, clôture et note de l'agence."</li>
            <li>"Journal de sécurité : connexions, refus d'accès et leur adresse IP."</li>
        </ul>
        <h2>"Destinataires"</h2>
        <p>
            "Les agents habilités de l'agence (référents, administrateurs) et les utilisateurs des établissements pour \
             leurs propres contrats. Aucune donnée n'est cédée ni utilisée à des fins commerciales."
        </p>
        <h2>"Durées de conservation"</h2>
        <ul>
            <li>"Contrats, évaluations, documents et contacts : la durée du contrat, puis selon les règles d'archivage de l'agence."</li>
            <li>"Comptes : jusqu'à leur désactivation par l'agence ; une session se ferme après 30 minutes d'inactivité et au plus tard 12 heures après la connexion."</li>
            <li>"Journaux de sécurité et des modifications : aussi longtemps que les données qu'ils retracent."</li>
        </ul>
        <h2>"Cookies"</h2>
        <p>
            "Le portail ne dépose que les cookies strictement nécessaires à son fonctionnement (session de connexion, \
             protection des formulaires) : ils ne demandent pas de consentement. Aucun cookie de mesure d'audience ni \
             de tiers."
        </p>
        <h2>"Vos droits"</h2>
        <p>
            "Vous disposez d'un droit d'accès, de rectification, de limitation et d'opposition sur vos données. Pour les \
             exercer, ou pour toute question, écrivez au délégué à la protection des données de l'agence : "
            <Mail address=operator.dpo_email.clone()/>
            ". Si vous estimez, après l'avoir contacté, que vos droits ne sont pas respectés, vous pouvez adresser une \
             réclamation à la Commission nationale de l'informatique et des libertés : "
            <a href="https://www.cnil.fr/fr/plaintes">"cnil.fr/fr/plaintes"</a> "."
        </p>
    }
}

/// "Plan du site": the pages open to everyone, and those of the viewer's role.
#[component]
pub fn SiteMapPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let viewer = crate::accounts::access::viewer().ok();
    #[cfg(feature = "ssr")]
    let (logged_in, follows, administers, national) = match &viewer {
        Some(viewer) => {
            (true, viewer.steers_campaigns(), viewer.administers().is_some(), viewer.administers_agencies())
        }
        None => (false, false, false, false),
    };
    #[cfg(not(feature = "ssr"))]
    let (logged_in, follows, administers, national) = (false, false, false, false);
    let link = |label: &'static str, href: &'static str| view! { <li><a href=href>{label}</a></li> };
    view! {
        <PageTop title="Plan du site"/>
        <nav aria-label="Plan du site">
            <ul>
                {if logged_in {
                    view! {
                        {link("Accueil : Gestion des Contrats", routes::HOME_PATH)}
                        {follows.then(|| link(crate::follow_up::dashboard::TITLE, routes::FOLLOW_UP_PATH))}
                        {follows.then(|| link("Graphiques du suivi", routes::FOLLOW_UP_CHARTS_PATH))}
                        {link("Mon compte", routes::ACCOUNT_PATH)}
                        {(administers || national).then(|| view! {
                            <li>
                                "Administration"
                                <ul>
                                    {national.then(|| link("Agences", routes::AGENCIES_PATH))}
                                    {administers.then(|| view! {
                                        {link("Importer le fichier FINESS", routes::FINESS_IMPORT_PATH)}
                                        {link("Référentiels d'indicateurs", routes::REFERENTIALS_PATH)}
                                        {link("Contrats", routes::AGENCY_CONTRACTS_PATH)}
                                        {link("Campagnes", routes::CAMPAIGNS_PATH)}
                                        {link("Valeurs nationales", routes::NATIONAL_VALUES_PATH)}
                                        {link("Comptes", routes::ACCOUNTS_PATH)}
                                    })}
                                    {link("Journal des modifications", routes::JOURNAL_PATH)}
                                </ul>
                            </li>
                        })}
                    }
                    .into_any()
                } else {
                    view! {
                        {link("Connexion", routes::LOGIN_PATH)}
                        {link("Renouveler le mot de passe", routes::RENEW_PATH)}
                    }
                    .into_any()
                }}
                {link("Déclaration d'accessibilité", routes::ACCESSIBILITY_PATH)}
                {link("Mentions légales", routes::LEGAL_NOTICE_PATH)}
                {link("Données personnelles", routes::PRIVACY_PATH)}
            </ul>
        </nav>
    }
}
